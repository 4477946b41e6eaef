"""The one clock: wall-clock seconds since the epoch, comparable with the
timestamps Prometheus, Alertmanager and the notification sink report."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now() -> float:
    """Wall-clock time in seconds since the epoch."""
    return time.time()


def monotonic() -> float:
    """For measuring elapsed time within this process only."""
    return time.monotonic()


def sleep(seconds: float) -> None:
    time.sleep(max(0.0, seconds))


def left_until(start: float, within: float) -> float:
    """Seconds left before the deadline `within` seconds after `start` (never negative)."""
    return max(0.0, start + within - now())


def iso(at: float) -> str:
    """``2026-11-26T16:09:30.123Z``: how timestamps appear in reports."""
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(value: str) -> float:
    """RFC 3339 timestamps as Prometheus and Alertmanager write them (nanoseconds are truncated)."""
    return datetime.fromisoformat(value).timestamp()
