"""Outputs for people and machines from the result model: the summary table and
the JSON results document (its schema: harness/schemas/results-v1.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import clock
from harness.results import DrillResult, RunResult

JSON_SCHEMA_VERSION = 1


def format_seconds(value: float | None) -> str:
    """``1.25 s``, or ``-`` when nothing was measured."""
    return "-" if value is None else f"{value:.2f} s"


def _row(r: DrillResult) -> tuple[str, ...]:
    passed = sum(c.passed for c in r.checks)
    firing = min((v for k, v in r.mttd_s.items() if k.startswith("firing.")), default=None)
    notified = max((v for k, v in r.mttd_s.items() if k.startswith("notified.")), default=None)
    journey = max((v for k, v in r.mttr_s.items() if k.startswith("journey.")), default=None)
    budget = "-" if r.budget_burned_percent is None else f"{r.budget_burned_percent:.2f} %"
    verdict = r.verdict if r.verdict == "passed" else r.verdict.upper()
    return (
        r.drill,
        verdict,
        f"{passed}/{len(r.checks)}",
        format_seconds(firing),
        format_seconds(notified),
        format_seconds(journey),
        budget,
        format_seconds(r.finished_at - r.started_at),
    )


def summary_table(results: Sequence[DrillResult]) -> str:
    """A readable table, one row per drill, then what failed::

    drill      verdict  checks  MTTD firing  MTTD notified  MTTR journey  budget  wall
    app-crash  passed   12/12   1.31 s       1.95 s         2.10 s        0.01 %  15.2 s
    """
    header = (
        "drill",
        "verdict",
        "checks",
        "MTTD firing",
        "MTTD notified",
        "MTTR journey",
        "budget",
        "wall",
    )
    rows = [header, *(_row(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    for r in results:
        if r.error:
            lines.append(f"  {r.drill}: error: {r.error}")
        lines.extend(f"  {r.drill}: FAILED {c.name}: {c.detail}" for c in r.failed_checks)
        if r.load is not None:
            lines.append(f"  {r.drill}: load: {r.load.describe()} (stopped by {r.load.stopped_by})")
        lines.extend(f"  {r.drill}: {line}" for line in stage_lines(r))
        for journey, windows in r.journeys.items():
            spans = " · ".join(f"{name} {w.describe()}" for name, w in windows.items())
            lines.append(f"  {r.drill}: {journey} journey: {spans}")
    return "\n".join(lines)


_DETECTION_STAGES = (
    ("pending", "pending"),
    ("firing", "firing"),
    ("alertmanager", "in Alertmanager"),
)


def _bounds(r: DrillResult, key: str) -> str:
    bounds = [
        f"{label} {value:g} s"
        for label, value in (("floor", r.floors_s.get(key)), ("deadline", r.deadlines_s.get(key)))
        if value is not None
    ]
    return f" ({', '.join(bounds)})" if bounds else ""


def stage_lines(r: DrillResult) -> list[str]:
    """MTTD per stage of each alert against its floor and deadline, then MTTR per
    recovery check against its deadline::

    IDPDown: pending 0.21 s · firing 0.76 s (floor 0 s, deadline 30 s) · ...
    recovery: restart.idp 0.55 s (deadline 30 s) · journey.login 2.04 s (deadline 60 s)
    """
    alerts = sorted(
        {k.split(".", 2)[1] for k in r.mttd_s} | {k.split(".", 2)[1] for k in r.floors_s}
    )
    lines = []
    for alert in alerts:
        parts = [
            f"{label} {format_seconds(r.mttd_s.get(f'{stage}.{alert}'))}"
            + _bounds(r, f"{stage}.{alert}")
            for stage, label in _DETECTION_STAGES
        ]
        prefix = f"notified.{alert}."
        for key in sorted(k for k in {*r.deadlines_s, *r.mttd_s} if k.startswith(prefix)):
            parts.append(
                f"{key.removeprefix(prefix)} {format_seconds(r.mttd_s.get(key))}" + _bounds(r, key)
            )
        lines.append(f"{alert}: " + " · ".join(parts))
    if r.mttr_s or any(not k.startswith(("firing.", "notified.")) for k in r.deadlines_s):
        keys = sorted({*r.mttr_s, *(k for k in r.deadlines_s if k.split(".")[0] in _RECOVERY)})
        recovery = " · ".join(
            f"{key} {format_seconds(r.mttr_s.get(key))}{_bounds(r, key)}" for key in keys
        )
        lines.append(f"recovery: {recovery}")
    return lines


_RECOVERY = ("restart", "scaled", "failover", "condition", "journey")


def run_summary(run: RunResult) -> str:
    """The table, regressions, the gate's criteria and the one-line verdict."""
    lines = [summary_table(run.drills)]
    lines.extend(f"  regression: {r.describe()}" for r in run.regressions)
    for check in run.gate:
        lines.append(f"  gate {'ok  ' if check.passed else 'FAIL'} {check.name}: {check.detail}")
    lines.append(verdict_line(run))
    return "\n".join(lines)


def verdict_line(run: RunResult) -> str:
    verdicts = [r.verdict for r in run.drills]
    counts = ", ".join(
        f"{verdicts.count(v)} {v}" for v in ("passed", "failed", "error") if verdicts.count(v)
    )
    gate = ""
    if run.gate:
        gate = "; gate " + ("passed" if all(g.passed for g in run.gate) else "FAILED")
    return (
        f"readiness verdict: {'PASS' if run.passed else 'FAIL'} ({counts or 'no drills run'}{gate})"
    )


def results_document(run: RunResult) -> dict[str, Any]:
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "run_id": run.run_id,
        "profile": run.profile,
        "target": run.target,
        "environment": run.environment,
        "started_at": clock.iso(run.started_at),
        "finished_at": clock.iso(run.finished_at),
        "verdict": "passed" if run.passed else "failed",
        "drills": [r.as_json() for r in run.drills],
        "regressions": [r.as_json() for r in run.regressions],
        "gate": [g.as_json() for g in run.gate],
    }


def write_json(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
