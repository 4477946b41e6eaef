"""Benchmark of the drill catalogue (run by hand, never in CI; the sandbox running):

    .venv/bin/python bench/nightly.py

- the nightly profile, wall time: target <= 15 minutes on this machine;
- stage accuracy: every notification stage of results.json (fault time + MTTD)
  against the notification sink's own receive timestamp: target within 0.2 s.

Baseline, measured in the same run: the smoke profile (one drill), so that a
noisy machine shows in both; printed as a ratio beside the target ratio.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
SINK = "http://127.0.0.1:19095"
TARGET_S = 15 * 60.0
STAGE_TOLERANCE_S = 0.2


def run_profile(profile: str, output: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pagerdrill", "run", "--profile", profile, "--output", str(output)],
        cwd=REPO,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def stage_deltas(results: dict[str, Any], received: list[dict[str, Any]]) -> list[float]:
    """|fault + MTTD - sink receive time| of every notification stage."""
    deltas = []
    for drill in results["drills"]:
        faults = [e for e in drill["timeline"] if e["kind"] == "fault.injected"]
        if not faults:
            continue
        fault_at = _epoch(faults[0]["at"])
        for stage, seconds in drill["mttd_s"].items():
            if not stage.startswith("notified."):
                continue
            _, alert, receiver = stage.split(".", 2)
            times = [
                n["received_at"]
                for n in received
                if n["alertname"] == alert
                and n["receiver"] == receiver
                and n["status"] == "firing"
                and n["received_at"] >= fault_at
            ]
            if times:
                deltas.append(abs(fault_at + seconds - min(times)))
    return deltas


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        smoke = run_profile("smoke", Path(tmp) / "smoke")
        since = time.time()
        nightly = run_profile("nightly", Path(tmp) / "nightly")
        results = json.loads((Path(tmp) / "nightly" / "results.json").read_text())
    received = httpx.get(f"{SINK}/notifications", params={"since": since}, timeout=10).json()
    deltas = stage_deltas(results, received)
    verdicts = {d["drill"]: d["verdict"] for d in results["drills"]}
    print(f"baseline: smoke profile          {smoke:7.1f} s")
    print(
        f"nightly profile ({len(verdicts)} drills)  {nightly:7.1f} s  "
        f"ratio to baseline {nightly / smoke:5.1f}  ratio to target {nightly / TARGET_S:4.2f} "
        f"(target {TARGET_S:.0f} s)"
    )
    worst = max(deltas, default=0.0)
    print(
        f"stage accuracy: {len(deltas)} notification stages, worst {worst:.3f} s from the sink "
        f"(target {STAGE_TOLERANCE_S} s, ratio {worst / STAGE_TOLERANCE_S:.2f})"
    )
    print("verdicts:", ", ".join(f"{d} {v}" for d, v in verdicts.items()))


if __name__ == "__main__":
    main()
