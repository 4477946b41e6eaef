"""Benchmark of the walking skeleton's targets (run by hand, never in CI):

    .venv/bin/python bench/skeleton.py [--runs 3]

- `pagerdrill sandbox up` from built images: target <= 60 s;
- the app-crash drill, wall time: target <= 60 s.

Baseline, measured in the same run so that a noisy machine shows in both: one
bare container started and removed from the same image (the engine's own floor
for one service). Prints each measurement, its ratio to the baseline and to the
target.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGERDRILL = [sys.executable, "-m", "harness"]
TARGETS_S = {"sandbox up": 60.0, "app-crash drill": 60.0}


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(*command: str) -> None:
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def bare_container() -> None:
    run("docker", "run", "--rm", "pagerdrill/sandbox:latest", "true")


def sandbox_up() -> None:
    run(*PAGERDRILL, "sandbox", "up")


def drill() -> None:
    run(*PAGERDRILL, "run", "drills/app-crash.drill.yaml", "--output", "/tmp/pagerdrill-bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    samples: dict[str, list[float]] = {
        "baseline: one bare container": [],
        "sandbox up": [],
        "app-crash drill": [],
    }
    for _ in range(runs):
        samples["baseline: one bare container"].append(timed(bare_container))
        samples["sandbox up"].append(timed(sandbox_up))
        samples["app-crash drill"].append(timed(drill))
    run(*PAGERDRILL, "sandbox", "down")
    baseline = statistics.median(samples["baseline: one bare container"])
    print(f"{'measure':<30} {'median':>8} {'min':>8} {'max':>8} {'x baseline':>11} {'/ target':>9}")
    for name, values in samples.items():
        median = statistics.median(values)
        target = TARGETS_S.get(name)
        print(
            f"{name:<30} {median:>7.2f}s {min(values):>7.2f}s {max(values):>7.2f}s "
            f"{median / baseline:>10.1f}x {'' if target is None else f'{median / target:>8.2f}'}"
        )


if __name__ == "__main__":
    main()
