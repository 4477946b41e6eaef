"""Locust's CSV output (`--csv PREFIX --csv-full-history`) read into the result
model: PREFIX_stats.csv (final, per endpoint and "Aggregated"),
PREFIX_failures.csv, and PREFIX_stats_history.csv (one row per second)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from harness.load_results import EndpointStats, ErrorStats

AGGREGATED = "Aggregated"


def _seconds(row: dict[str, str], column: str) -> float | None:
    value = row.get(column, "")
    return None if value in ("", "N/A") else float(value) / 1000


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _endpoint(row: dict[str, str]) -> EndpointStats:
    return EndpointStats(
        method=row["Type"],
        name=row["Name"],
        requests=int(row["Request Count"]),
        failures=int(row["Failure Count"]),
        requests_per_s=float(row["Requests/s"]),
        p50_s=_seconds(row, "50%"),
        p95_s=_seconds(row, "95%"),
        p99_s=_seconds(row, "99%"),
    )


def final_stats(prefix: Path) -> tuple[EndpointStats, list[EndpointStats]]:
    """(the aggregate, every endpoint) from PREFIX_stats.csv."""
    rows = [_endpoint(r) for r in _rows(Path(f"{prefix}_stats.csv"))]
    total = next((r for r in rows if r.name == AGGREGATED), None)
    if total is None:
        total = EndpointStats("", AGGREGATED, 0, 0, 0.0, None, None, None)
    return total, [r for r in rows if r.name != AGGREGATED]


def errors(prefix: Path) -> list[ErrorStats]:
    return [
        ErrorStats(r["Method"], r["Name"], r["Error"], int(r["Occurrences"]))
        for r in _rows(Path(f"{prefix}_failures.csv"))
    ]


@dataclass(frozen=True)
class HistoryRow:
    at: float
    users: int
    requests_per_s: float
    failures_per_s: float
    p50_s: float | None
    p95_s: float | None
    total_requests: int
    total_failures: int


def history(prefix: Path) -> list[HistoryRow]:
    """The aggregate rows of PREFIX_stats_history.csv, oldest first (a row Locust is
    still writing is left for the next read)."""
    found = []
    for r in _rows(Path(f"{prefix}_stats_history.csv")):
        if r.get("Name") != AGGREGATED:
            continue
        try:
            found.append(
                HistoryRow(
                    at=float(r["Timestamp"]),
                    users=int(r["User Count"]),
                    requests_per_s=float(r["Requests/s"]),
                    failures_per_s=float(r["Failures/s"]),
                    p50_s=_seconds(r, "50%"),
                    p95_s=_seconds(r, "95%"),
                    total_requests=int(r["Total Request Count"]),
                    total_failures=int(r["Total Failure Count"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            break
    return found
