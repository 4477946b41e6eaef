"""Stored results of previous runs (one results.json per run), for trends and baselines."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.results import Verdict


@dataclass(frozen=True)
class PastRun:
    run_id: str
    finished_at: str
    target: str
    drills: dict[str, dict[str, Any]]


class History:
    """A folder of results.json documents, oldest first by finish time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def runs(self, target: str) -> list[PastRun]:
        if not self.folder.is_dir():
            return []
        runs = []
        for path in self.folder.glob("*.json"):
            try:
                document = json.loads(path.read_text())
            except json.JSONDecodeError as exc:
                raise ConfigError(path, exc.lineno, "", f"not a results file: {exc.msg}") from exc
            drills = {d["drill"]: d for d in document.get("drills", [])}
            if drills and next(iter(drills.values())).get("target") == target:
                finished = max(d["finished_at"] for d in drills.values())
                runs.append(PastRun(document["run_id"], finished, target, drills))
        return sorted(runs, key=lambda r: r.finished_at)

    def save(self, run_id: str, document: dict[str, Any]) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{run_id}.json"
        path.write_text(json.dumps(document, indent=2) + "\n")
        return path


def baseline(runs: list[PastRun], drill: str, stage: str, last: int) -> float | None:
    """Median of `stage` over the last `last` runs in which `drill` passed."""
    values = [
        float(run.drills[drill][kind][stage])
        for run in runs
        if drill in run.drills and run.drills[drill]["verdict"] == Verdict.PASSED
        for kind in ("mttd_s", "mttr_s")
        if stage in run.drills[drill].get(kind, {})
    ][-last:]
    return statistics.median(values) if values else None
