"""The synthetic prober: replays journeys in a loop on its own thread, with its own
browser, and writes every attempt to the drill's timeline. The drill never waits
on a journey; it asks the prober what it has seen."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from harness.errors import InfrastructureError
from harness.polling import wait_until
from harness.timeline import Timeline
from journeys.browser import chromium
from journeys.catalog import JOURNEYS, JourneyTarget
from journeys.result import JourneyResult


class JourneyProber:
    def __init__(
        self,
        journeys: Sequence[str],
        target: JourneyTarget,
        chromium_path: Path,
        timeline: Timeline,
        interval_s: float = 0.5,
    ) -> None:
        self.journeys = journeys
        self.target = target
        self.chromium_path = chromium_path
        self.timeline = timeline
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._attempts: list[JourneyResult] = []
        self._crash: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="journey-prober", daemon=True)

    def __enter__(self) -> JourneyProber:
        if self.journeys:
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        try:
            with chromium(self.chromium_path) as browser:
                while not self._stop.is_set():
                    for name in self.journeys:
                        self._record(JOURNEYS[name](browser, self.target))
                    self._stop.wait(self.interval_s)
        except BaseException as exc:  # reported to the drill thread by attempts()
            self._crash = exc

    def _record(self, result: JourneyResult) -> None:
        failed = result.failed_step
        self.timeline.record(
            "journey.attempt",
            at=result.started_at,
            journey=result.journey,
            ok=result.ok,
            duration_s=round(result.duration_s, 3),
            failed_step=None if failed is None else failed.name,
            error=None if failed is None else failed.error,
        )
        with self._lock:
            self._attempts.append(result)

    def attempts(self, journey: str, since: float = 0.0) -> list[JourneyResult]:
        if self._crash is not None:
            raise InfrastructureError(
                f"the journey prober stopped: {self._crash!r}"
            ) from self._crash
        with self._lock:
            return [a for a in self._attempts if a.journey == journey and a.started_at >= since]

    def first_success(self, journey: str, since: float, timeout: float) -> JourneyResult:
        """The first successful attempt started at or after `since`; waits up to `timeout`."""

        def success() -> JourneyResult | None:
            return next((a for a in self.attempts(journey, since) if a.ok), None)

        def last_failure() -> object:
            tried = self.attempts(journey, since)
            return tried[-1].failed_step if tried else "no attempt yet"

        return wait_until(
            success,
            timeout,
            interval=0.1,
            expected=f"a successful {journey} journey",
            where=self.target.base_url,
            describe=last_failure,
            hint="the journey's failed step and error say what the browser saw",
        )
