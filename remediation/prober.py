"""The synthetic prober: replays journeys in a loop in its own process
(`journeys.worker`, with its own Chromium) and writes every attempt to the drill's
timeline. The drill never waits on a journey; it asks the prober what it has seen."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from harness.errors import InfrastructureError
from harness.events import EventKind
from harness.polling import wait_until
from harness.timeline import Timeline
from journeys.result import JourneyResult
from journeys.target import JourneyTarget
from journeys.worker import worker_spec

STOP_GRACE_S = 10.0


class JourneyProber:
    def __init__(
        self,
        journeys: Sequence[str],
        target: JourneyTarget,
        chromium_path: Path,
        timeline: Timeline,
        every_s: float = 0.5,
    ) -> None:
        self.journeys = list(journeys)
        self.target = target
        self.chromium_path = chromium_path
        self.timeline = timeline
        self.every_s = every_s
        self._lock = threading.Lock()
        self._attempts: list[JourneyResult] = []
        self._stopping = False
        self._stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in __exit__)
        self._process: subprocess.Popen[str] | None = None
        self._reader = threading.Thread(target=self._read, name="journey-prober", daemon=True)

    def __enter__(self) -> JourneyProber:
        if not self.journeys:
            return self
        self._process = subprocess.Popen(
            [sys.executable, "-m", "journeys.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            start_new_session=True,  # Ctrl-C reaches the drill, which then stops the prober
        )
        assert self._process.stdin is not None
        spec = worker_spec(self.journeys, self.target, self.chromium_path, self.every_s)
        self._process.stdin.write(spec + "\n")
        self._process.stdin.flush()
        self._reader.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping = True
        process = self._process
        if process is not None and process.stdin is not None:
            process.stdin.close()  # the worker stops after its current journey
            try:
                process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            self._reader.join(timeout=5)
            if process.stdout is not None:
                process.stdout.close()
        self._stderr.close()

    @property
    def pid(self) -> int | None:
        """The worker process, while it runs."""
        return None if self._process is None else self._process.pid

    def _read(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._record(JourneyResult.from_dict(json.loads(line)))

    def _record(self, result: JourneyResult) -> None:
        failed = result.failed_step
        self.timeline.record(
            EventKind.JOURNEY_ATTEMPT,
            at=result.started_at,
            journey=result.journey,
            ok=result.ok,
            duration_s=round(result.duration_s, 3),
            failed_step=None if failed is None else failed.name,
            error=None if failed is None else failed.error,
            steps={step.name: round(step.duration_s, 3) for step in result.steps},
        )
        with self._lock:
            self._attempts.append(result)

    def _raise_if_dead(self) -> None:
        process = self._process
        if process is None or self._stopping or process.poll() is None:
            return
        self._stderr.seek(0)
        tail = self._stderr.read()[-2000:].strip() or "(no output)"
        raise InfrastructureError(
            f"the journey prober exited with code {process.returncode}: {tail}"
        )

    def attempts(self, journey: str, since: float = 0.0) -> list[JourneyResult]:
        self._raise_if_dead()
        with self._lock:
            return [a for a in self._attempts if a.journey == journey and a.started_at >= since]

    def first_recovered(
        self, journey: str, since: float, timeout: float, consecutive: int = 1
    ) -> JourneyResult:
        """The first attempt (started at or after `since`) of the first run of
        `consecutive` successes in a row after the journey's first failure since then
        (a fault may take a while to bite: successes before it prove nothing); with no
        failure yet, the first such run. Waits up to `timeout` for one."""

        def recovered() -> JourneyResult | None:
            attempts = self.attempts(journey, since)
            first_failure = next((i for i, a in enumerate(attempts) if not a.ok), 0)
            run: list[JourneyResult] = []
            for attempt in attempts[first_failure:]:
                run = [*run, attempt] if attempt.ok else []
                if len(run) >= consecutive:
                    return run[0]
            return None

        def last_failure() -> object:
            tried = self.attempts(journey, since)
            failures = [a for a in tried if not a.ok]
            return failures[-1].failed_step if failures else f"{len(tried)} successful attempts"

        return wait_until(
            recovered,
            timeout,
            interval=0.1,
            expected=f"{consecutive} successful {journey} journeys in a row",
            where=self.target.base_url,
            describe=last_failure,
            hint="the journey's failed step and error say what the browser saw",
        )
