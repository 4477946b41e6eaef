"""The drill's load: started before the fault (its spike is the fault when the
drill says `traffic-surge`, chaos/faults/traffic.py), stopped after recovery,
checked against the drill's load SLOs."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from harness.drill import Drill
from harness.journal import FaultJournal
from harness.load_results import LoadResult
from harness.load_specs import LoadExpectation, LoadSpec
from harness.results import Check
from harness.settings import Settings
from harness.target import KubernetesPlatform, TargetConfig
from harness.timeline import Timeline
from load.kubernetes_workers import WorkerPods
from load.runner import REPO, LoadRunner, check_host, find_locustfile


def plan_load(drill: Drill, settings: Settings) -> list[str]:
    if drill.load is None:
        return ["load: none"]
    check_host(settings.target.app.base_url, settings.target.load.allowed_hosts)
    spec, workers = drill.load, settings.target.load.workers
    where = (
        f"{spec.processes} process(es)"
        if workers is None
        else f"{workers.pods} worker pod(s) of {workers.image} (the master here)"
    )
    return [
        f"load: {spec.shape.kind} shape from {spec.locustfile} on {where}, "
        f"at most {spec.max_requests} requests and {spec.max_duration:g} s"
    ]


def start_load(drill: Drill, settings: Settings, timeline: Timeline) -> LoadRunner | None:
    if drill.load is None:
        return None
    workdir = Path(settings.output_dir) / "load" / drill.name
    journal = FaultJournal(settings.journal_path)
    target, password = settings.target, settings.password
    return runner_for(drill.load, target, password, timeline, workdir, journal=journal)


def runner_for(
    spec: LoadSpec,
    target: TargetConfig,
    password: SecretStr,
    timeline: Timeline,
    workdir: Path,
    *,
    journal: FaultJournal,
) -> LoadRunner:
    """The load runner of `spec` against the target's app: Locust here, or the master
    here and worker pods on the target's cluster (`load.workers`, journaled in
    `journal` while they exist)."""
    app, workers, platform = target.app, target.load.workers, target.platform
    check_host(app.base_url, target.load.allowed_hosts)
    credentials = (app.credentials.username, password)
    pods = None
    if workers is not None and isinstance(platform, KubernetesPlatform):  # the target says so
        locustfile = find_locustfile(spec.locustfile, REPO)
        pods = WorkerPods(
            platform, workers, locustfile, credentials, spec.max_duration, journal=journal
        )
    return LoadRunner(spec, app.base_url, credentials, timeline, workdir, workers=pods)


def load_checks(expectation: LoadExpectation | None, result: LoadResult) -> list[Check]:
    if expectation is None:
        return []
    total, checks = result.total, []
    if expectation.min_requests is not None:
        checks.append(
            Check(
                f"load made at least {expectation.min_requests} requests",
                total.requests >= expectation.min_requests,
                result.describe(),
            )
        )
    if expectation.p95_below is not None:
        p95 = total.p95_s
        checks.append(
            Check(
                f"load p95 below {expectation.p95_below:g} s",
                p95 is not None and p95 < expectation.p95_below,
                f"p95 {p95 if p95 is not None else '-'} s over {total.requests} requests"
                + _slowest(result),
                p95,
                expectation.p95_below,
            )
        )
    if expectation.max_error_ratio is not None:
        worst = ", ".join(
            f"{e.method} {e.name}: {e.error} x{e.occurrences}" for e in result.errors[:3]
        )
        checks.append(
            Check(
                f"load error ratio at most {100 * expectation.max_error_ratio:g} %",
                total.error_ratio <= expectation.max_error_ratio,
                f"{total.failures} of {total.requests} requests failed"
                + (f" ({worst})" if worst else ""),
            )
        )
    return checks


def _slowest(result: LoadResult) -> str:
    timed = [e for e in result.endpoints if e.p95_s is not None]
    if not timed:
        return ""
    slowest = max(timed, key=lambda e: e.p95_s or 0.0)
    return f"; slowest {slowest.method} {slowest.name} p95 {slowest.p95_s} s"
