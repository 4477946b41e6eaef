"""Waits on the sandbox's own Prometheus, the same on both platforms: every target
it discovered answers, and its rules were evaluated after a given moment (so its
alerts reflect what it scraped). `api` is its `/api/v1` URL. The sandbox never
imports the harness (DESIGN.md), hence these loops of its own."""

from __future__ import annotations

import time
from datetime import datetime

import httpx


class PrometheusNotReady(RuntimeError):
    """Prometheus did not get there in time; the message says what it showed."""


def await_targets_up(api: str, timeout: float, *, job: str | None = None) -> None:
    """Every active target up (and, given `job`, one of that job among them)."""
    deadline, seen = time.monotonic() + timeout, "no answer yet"
    while time.monotonic() < deadline:
        try:
            targets = httpx.get(f"{api}/targets", timeout=5).json()["data"]["activeTargets"]
        except httpx.HTTPError as exc:
            seen = f"{type(exc).__name__}: {exc}"
        else:
            seen = ", ".join(sorted(f"{t['labels']['job']}={t['health']}" for t in targets))
            wanted = job is None or any(t["labels"]["job"] == job for t in targets)
            if targets and wanted and all(t["health"] == "up" for t in targets):
                return
        time.sleep(0.5)
    raise PrometheusNotReady(f"Prometheus targets not all up within {timeout:g} s: {seen}")


def await_rules_evaluated(api: str, after: float, timeout: float) -> None:
    """Every rule group evaluated after `after` (a `time.time()`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        groups = httpx.get(f"{api}/rules", timeout=5).json()["data"]["groups"]
        evaluated = [datetime.fromisoformat(g["lastEvaluation"]).timestamp() for g in groups]
        if groups and min(evaluated) > after:
            return
        time.sleep(0.2)
    raise PrometheusNotReady(f"Prometheus did not evaluate its rules within {timeout:g} s")
