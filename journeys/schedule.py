"""Replaying journeys on a schedule: the loop behind the drill's prober and
`pagerdrill probe`. Each attempt runs in a fresh browser context of one reused
Chromium, so attempts share nothing but the browser process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from harness import clock
from journeys.browser import chromium
from journeys.journey import run_journey
from journeys.result import JourneyResult
from journeys.target import JourneyTarget


def replay(
    journeys: Sequence[str],
    target: JourneyTarget,
    chromium_path: Path,
    *,
    every_s: float,
    stop: threading.Event,
    on_result: Callable[[JourneyResult], None],
    rounds: int | None = None,
) -> int:
    """Run every journey once per round, a round starting every `every_s` (at once if
    the last one took longer), until `stop` is set or `rounds` are done; returns the
    number of rounds run::

        replay(["login"], target, Path("/usr/bin/chromium"), every_s=60, stop=stop, on_result=print)
    """
    known = target.pack.journeys
    unknown = sorted(set(journeys) - set(known))
    if unknown:
        raise ValueError(f"unknown journeys {', '.join(unknown)}; known: {', '.join(known)}")
    done = 0
    with chromium(chromium_path) as browser:
        while not stop.is_set() and (rounds is None or done < rounds):
            round_started = clock.monotonic()
            for name in journeys:
                if stop.is_set():
                    break
                context = browser.new_context()
                try:
                    on_result(run_journey(name, context, target))
                finally:
                    context.close()
            done += 1
            if rounds is None or done < rounds:
                stop.wait(max(0.0, round_started + every_s - clock.monotonic()))
    return done
