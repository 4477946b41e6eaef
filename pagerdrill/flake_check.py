"""`scripts/flake-check`'s verdict over N runs of the nightly profile: per drill, the
verdicts (a change between runs is a flake) and per MTTD stage the spread of the
measured times, which must stay within a stated tolerance: the scrape interval
plus the rule evaluation interval (how much a detection can move by when the fault
lands) plus 10 % of the stage's median.

    python -m pagerdrill.flake_check --prometheus URL out/flake/run-1 out/flake/run-2 ...
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.clients import PrometheusClient
from remediation.promql import prometheus_duration


@dataclass(frozen=True)
class Spread:
    drill: str
    stage: str
    values: tuple[float, ...]
    tolerance_s: float

    @property
    def width_s(self) -> float:
        return max(self.values) - min(self.values)

    @property
    def within(self) -> bool:
        return self.width_s <= self.tolerance_s


def tolerance_s(intervals_s: float, values: Sequence[float]) -> float:
    return intervals_s + 0.1 * statistics.median(values)


def spreads(docs: Sequence[dict[str, Any]], intervals_s: float) -> list[Spread]:
    """Every MTTD stage measured in more than one run."""
    by_stage: dict[tuple[str, str], list[float]] = {}
    for doc in docs:
        for drill in doc["drills"]:
            for stage, seconds in drill["mttd_s"].items():
                by_stage.setdefault((drill["drill"], stage), []).append(float(seconds))
    return [
        Spread(drill, stage, tuple(values), tolerance_s(intervals_s, values))
        for (drill, stage), values in sorted(by_stage.items())
        if len(values) > 1
    ]


def verdicts(docs: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    names = sorted({d["drill"] for doc in docs for d in doc["drills"]})
    return {
        name: [
            next((d["verdict"] for d in doc["drills"] if d["drill"] == name), "missing")
            for doc in docs
        ]
        for name in names
    }


def _intervals(prometheus_url: str) -> float:
    with PrometheusClient(prometheus_url) as prometheus:
        config = (yaml.safe_load(prometheus.config_yaml()) or {}).get("global") or {}
    return prometheus_duration(config.get("scrape_interval"), 60.0) + prometheus_duration(
        config.get("evaluation_interval"), 60.0
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pagerdrill.flake_check")
    parser.add_argument("--prometheus", required=True, help="the target's Prometheus URL")
    parser.add_argument("runs", nargs="+", type=Path, help="output folders of the runs")
    args = parser.parse_args(argv)
    docs = [json.loads((run / "results.json").read_text()) for run in args.runs]
    intervals = _intervals(args.prometheus)
    found = verdicts(docs)
    flaky = any(len(set(v)) > 1 for v in found.values())
    failed = any(v != "passed" for vs in found.values() for v in vs)
    print(f"{'drill':<22} verdicts")
    for name, vs in found.items():
        print(f"{name:<22} {' '.join(vs)}")
    measured = spreads(docs, intervals)
    wide = [s for s in measured if not s.within]
    print(
        f"\nMTTD spread per stage (tolerance: scrape + evaluation {intervals:g} s + 10 % of median)"
    )
    for s in measured:
        mark = "ok  " if s.within else "WIDE"
        shown = " ".join(f"{v:.2f}" for v in s.values)
        print(
            f"  {mark} {s.drill}: {s.stage}: {shown} s "
            f"(spread {s.width_s:.2f} s, tolerance {s.tolerance_s:.2f} s)"
        )
    verdict = "FLAKY" if flaky else "FAILED" if failed else "UNSTABLE MTTD" if wide else "stable"
    print(f"flake check: {verdict} over {len(docs)} runs")
    return 1 if flaky or failed or wide else 0


if __name__ == "__main__":
    sys.exit(main())
