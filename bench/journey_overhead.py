"""Benchmark of the journeys' targets (run by hand against a running sandbox):

    .venv/bin/pagerdrill sandbox up
    .venv/bin/python bench/journey_overhead.py [--attempts 20]

- journey overhead with a reused browser: the login journey in Chromium (one
  browser, a fresh context per attempt) minus the app's own time for the same
  requests, measured in the same run by httpx (GET the form, POST the
  credentials, follow the redirect to the dashboard): target <= 0.4 s;
- prober resolution for the login journey: time between the starts of
  consecutive attempts of the drill's prober (its own process): target <= 2 s.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import threading
import time
from pathlib import Path

import httpx

from harness.polling import wait_until
from harness.settings import load_settings
from harness.timeline import Timeline
from journeys.result import JourneyResult
from journeys.schedule import replay
from journeys.target import JourneyTarget
from remediation.prober import JourneyProber

OVERHEAD_TARGET_S, RESOLUTION_TARGET_S = 0.4, 2.0


def app_time(target: JourneyTarget) -> float:
    """The login's requests without a browser: the app's own time (and loopback's)."""
    login = target.pack.login
    started = time.perf_counter()
    with httpx.Client(base_url=target.base_url, follow_redirects=True, timeout=10) as client:
        client.get(login.path).raise_for_status()
        response = client.post(
            login.path,
            data={"username": target.username, "password": target.password.get_secret_value()},
        )
        response.raise_for_status()
        assert target.username in response.text
    return time.perf_counter() - started


def browser_times(
    target: JourneyTarget, chromium: Path, attempts: int
) -> tuple[list[float], list[float]]:
    """The journey's own durations, and the wall time of each whole attempt (a fresh
    context and tab included)."""
    durations: list[float] = []
    walls: list[float] = []
    last = time.perf_counter()

    def keep(result: JourneyResult) -> None:
        nonlocal last
        assert result.ok, result.failed_step
        durations.append(result.duration_s)
        walls.append(time.perf_counter() - last)
        last = time.perf_counter()

    stop = threading.Event()
    replay(["login"], target, chromium, every_s=0, stop=stop, on_result=keep, rounds=attempts)
    return durations[1:], walls[1:]  # the first attempt pays for the cold browser


def prober_gaps(target: JourneyTarget, chromium: Path, attempts: int) -> list[float]:
    timeline = Timeline()
    with JourneyProber(["login"], target, chromium, timeline) as prober:
        wait_until(
            lambda: len(prober.attempts("login")) > attempts,
            attempts * 5.0,
            expected=f"{attempts} login attempts",
            where="the prober",
        )
        results = prober.attempts("login")
    starts = [r.started_at for r in results]
    return [b - a for a, b in itertools.pairwise(starts)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=20)
    attempts = parser.parse_args().attempts
    settings = load_settings()
    target = JourneyTarget.from_settings(settings)
    app_time(target)  # warm the app's connection pool
    baseline = [app_time(target) for _ in range(attempts)]
    browser, walls = browser_times(target, settings.chromium, attempts + 1)
    gaps = prober_gaps(target, settings.chromium, attempts)
    overhead = statistics.median(browser) - statistics.median(baseline)
    print(f"{'measure':<44} {'median':>8} {'p95':>8} {'/ target':>9}")
    rows = [
        ("baseline: login over httpx (app's own time)", baseline, None),
        ("login journey in Chromium (reused browser)", browser, None),
        ("  whole attempt, fresh context and tab", walls, None),
        ("prober: gap between login attempts", gaps, RESOLUTION_TARGET_S),
    ]
    for name, values, target_s in rows:
        median = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[-1]
        ratio = "" if target_s is None else f"{median / target_s:>8.2f}"
        print(f"{name:<44} {median:>7.3f}s {p95:>7.3f}s {ratio}")
    print(
        f"{'journey overhead (browser - baseline)':<44} {overhead:>7.3f}s {'':>8} "
        f"{overhead / OVERHEAD_TARGET_S:>8.2f}"
    )
    print(f"prober worst gap {max(gaps):.3f} s (target {RESOLUTION_TARGET_S:g} s)")


if __name__ == "__main__":
    main()
