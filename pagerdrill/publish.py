"""The end of a run: compare with history, evaluate the gate, write every output
(results.json, junit.xml, report.html), push the run's and the journeys' SLIs,
store the run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from harness import clock
from harness.errors import InfrastructureError
from harness.history import History, PastRun
from harness.results import DrillResult, RunResult
from harness.settings import Settings
from harness.sli import push_run_slis
from journeys.sli import JourneySlis
from pagerdrill.coverage import Coverage, as_past_run, live_coverage, push_coverage_slis
from pagerdrill.gate import coverage_gate, evaluate_gate, find_regressions
from pagerdrill.html_report import write_report
from pagerdrill.junit import write_junit
from pagerdrill.report import results_document, write_json


def _coverage(settings: Settings, runs: list[PastRun]) -> Coverage | None:
    """Alert coverage over every stored run and this one; None if the live rules or
    receivers cannot be read (the report then says so)."""
    try:
        return live_coverage(settings.target, settings.contract, runs)[0]
    except InfrastructureError:
        return None


@dataclass(frozen=True)
class Outputs:
    results: Path
    junit: Path
    report: Path


def publish(
    drills: Sequence[DrillResult], settings: Settings, profile: str | None, started_at: float
) -> tuple[RunResult, Outputs]:
    """Build the run's result and write it everywhere::

    run, outputs = publish(results, settings, "gate", started_at)
    sys.exit(0 if run.passed else 1)
    """
    history = History(settings.history_dir)
    past = history.runs(settings.target.name)
    criteria = settings.target.gate
    regressions = find_regressions(drills, past, criteria)
    run = RunResult(
        run_id=settings.run_id,
        profile=profile,
        target=settings.target.name,
        environment=settings.target.environment,
        platform=settings.target.platform.kind,
        started_at=started_at,
        finished_at=clock.now(),
        drills=tuple(drills),
        regressions=tuple(regressions),
        gate=tuple(evaluate_gate(drills, regressions, criteria)) if profile == "gate" else (),
    )
    document = results_document(run)
    coverage = _coverage(settings, [*past, as_past_run(document)])
    if profile == "gate":
        run = replace(run, gate=run.gate + tuple(coverage_gate(coverage, criteria)))
        document = results_document(run)
    out = settings.output_dir
    outputs = Outputs(out / "results.json", out / "junit.xml", out / "report.html")
    write_json(document, outputs.results)
    write_junit(run, outputs.junit)
    write_report(run, past, outputs.report, coverage)
    if settings.target.pushgateway is not None:
        push_run_slis(run, settings.target.pushgateway.url)
        if coverage is not None:
            push_coverage_slis(coverage, settings.target.pushgateway.url, run.environment)
        journeys = JourneySlis(run.environment, run.run_id)
        for drill in drills:
            journeys.observe_events(drill.events)
        journeys.push(settings.target.pushgateway.url)
    history.save(run.run_id, document)
    return run, outputs
