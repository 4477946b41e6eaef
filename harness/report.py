"""Outputs for people and machines, all from `DrillResult`: the summary table and the JSON file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from harness.results import DrillResult

JSON_SCHEMA_VERSION = 1


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def summary_table(results: Sequence[DrillResult]) -> str:
    """A readable table, one row per drill, then what failed::

    drill      verdict  checks  MTTD firing  MTTD notified  MTTR journey  wall
    app-crash  passed   13/13   1.31 s       1.95 s         2.10 s        38.2 s
    """
    header = ("drill", "verdict", "checks", "MTTD firing", "MTTD notified", "MTTR journey", "wall")
    rows = [header]
    for r in results:
        passed = sum(c.passed for c in r.checks)
        firing = min((v for k, v in r.mttd_s.items() if k.startswith("firing.")), default=None)
        notified = max((v for k, v in r.mttd_s.items() if k.startswith("notified.")), default=None)
        journey = max((v for k, v in r.mttr_s.items() if k.startswith("journey.")), default=None)
        rows.append(
            (
                r.drill,
                r.verdict.upper() if r.verdict != "passed" else r.verdict,
                f"{passed}/{len(r.checks)}",
                _seconds(firing),
                _seconds(notified),
                _seconds(journey),
                _seconds(r.finished_at - r.started_at),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    for r in results:
        if r.error:
            lines.append(f"  {r.drill}: error: {r.error}")
        lines.extend(f"  {r.drill}: FAILED {c.name}: {c.detail}" for c in r.failed_checks)
    return "\n".join(lines)


def verdict_line(results: Sequence[DrillResult]) -> str:
    verdicts = [r.verdict for r in results]
    overall = "PASS" if verdicts and all(v == "passed" for v in verdicts) else "FAIL"
    counts = ", ".join(
        f"{verdicts.count(v)} {v}" for v in ("passed", "failed", "error") if verdicts.count(v)
    )
    return f"readiness verdict: {overall} ({counts or 'no drills run'})"


def write_json(results: Sequence[DrillResult], path: Path, run_id: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "run_id": run_id,
        "verdict": "passed"
        if results and all(r.verdict == "passed" for r in results)
        else "failed",
        "drills": [r.as_json() for r in results],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
