"""Outputs for people and machines from the result model: the summary table and
the JSON results document (its schema: harness/schemas/results-v1.schema.json)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import clock
from harness.results import DrillResult, RunResult, Verdict
from harness.stages import Stage, StageKind, of_kind

JSON_SCHEMA_VERSION = 1


def format_seconds(value: float | None) -> str:
    """``1.25 s``, or ``-`` when nothing was measured."""
    return "-" if value is None else f"{value:.2f} s"


def evidence_text(r: DrillResult) -> str:
    """How strongly the drill's receiver checks were proven: ``4 received, 1 delivered``."""
    tiers = Counter(c.evidence or "none" for c in r.checks if c.evidence_required is not None)
    order = ("received", "delivered", "routed", "none")
    return ", ".join(f"{tiers[t]} {t}" for t in order if tiers[t]) or "-"


def _row(r: DrillResult) -> tuple[str, ...]:
    passed = sum(c.passed for c in r.checks)
    firing = min(of_kind(r.mttd_s, StageKind.FIRING).values(), default=None)
    notified = max(of_kind(r.mttd_s, StageKind.NOTIFIED).values(), default=None)
    journey = max(of_kind(r.mttr_s, StageKind.JOURNEY).values(), default=None)
    budget = "-" if r.budget_burned_percent is None else f"{r.budget_burned_percent:.2f} %"
    verdict = r.verdict.value if r.verdict is Verdict.PASSED else r.verdict.value.upper()
    return (
        r.drill,
        verdict,
        f"{passed}/{len(r.checks)}",
        evidence_text(r),
        format_seconds(firing),
        format_seconds(notified),
        format_seconds(journey),
        budget,
        format_seconds(r.finished_at - r.started_at),
    )


def summary_table(results: Sequence[DrillResult]) -> str:
    """A readable table, one row per drill, then what failed::

    drill      verdict  checks  receiver evidence  MTTD firing  MTTD notified  ...
    app-crash  passed   12/12   5 received         1.31 s       1.95 s         ...
    """
    header = (
        "drill",
        "verdict",
        "checks",
        "receiver evidence",
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
    (StageKind.PENDING, "pending"),
    (StageKind.FIRING, "firing"),
    (StageKind.ALERTMANAGER, "in Alertmanager"),
)


def _bounds(r: DrillResult, key: str) -> str:
    labelled = (
        ("floor", r.floors_s.get(key)),
        ("window", r.windows_s.get(key)),
        ("deadline", r.deadlines_s.get(key)),
    )
    bounds = [f"{label} {value:g} s" for label, value in labelled if value is not None]
    return f" ({', '.join(bounds)})" if bounds else ""


def stage_lines(r: DrillResult) -> list[str]:
    """MTTD per stage of each alert against its floor and deadline, then MTTR per
    recovery check against its deadline::

    IDPDown: pending 0.21 s · firing 0.76 s (floor 2 s, deadline 30 s) · ...
    IDPHighErrorRate: ... firing 9.8 s (floor 7 s, window 30 s, deadline 45 s) · ...
    recovery: restart.idp 0.55 s (deadline 30 s) · journey.login 2.04 s (deadline 60 s)
    """
    known = [Stage.parse(k) for k in {*r.mttd_s, *r.deadlines_s, *r.mttr_s}]
    lines = []
    for alert in sorted({Stage.parse(k).subject for k in {*r.mttd_s, *r.floors_s}}):
        parts = [
            f"{label} {format_seconds(r.mttd_s.get(Stage(kind, alert).key))}"
            + _bounds(r, Stage(kind, alert).key)
            for kind, label in _DETECTION_STAGES
        ]
        notified = (s for s in known if s.kind is StageKind.NOTIFIED and s.subject == alert)
        for stage in sorted(notified, key=lambda s: s.key):
            parts.append(
                f"{stage.receiver} {format_seconds(r.mttd_s.get(stage.key))}"
                + _bounds(r, stage.key)
            )
        lines.append(f"{alert}: " + " · ".join(parts))
    recovery_keys = sorted(s.key for s in known if not s.kind.is_detection)
    if recovery_keys:
        recovery = " · ".join(
            f"{key} {format_seconds(r.mttr_s.get(key))}{_bounds(r, key)}" for key in recovery_keys
        )
        lines.append(f"recovery: {recovery}")
    return lines


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
        f"{verdicts.count(v)} {v}"
        for v in (Verdict.PASSED, Verdict.FAILED, Verdict.ERROR)
        if verdicts.count(v)
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
        "platform": run.platform,
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
