"""What a journey returns: per-step timings and, on failure, the step that failed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from typing import Any

from harness import clock


@dataclass(frozen=True)
class StepResult:
    name: str
    ok: bool
    duration_s: float
    error: str | None = None


@dataclass(frozen=True)
class JourneyResult:
    journey: str
    started_at: float
    duration_s: float
    steps: tuple[StepResult, ...]

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def failed_step(self) -> StepResult | None:
        return next((step for step in self.steps if not step.ok), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JourneyResult:
        steps = tuple(StepResult(**step) for step in data["steps"])
        return cls(data["journey"], data["started_at"], data["duration_s"], steps)


class StepFailed(Exception):
    """Raised by `StepRecorder.step` to stop a journey at its first failing step."""


@dataclass
class StepRecorder:
    """Times each step; the first exception in a step ends the journey there."""

    journey: str
    started_at: float = field(default_factory=clock.now)
    steps: list[StepResult] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = clock.monotonic()
        try:
            yield
        except Exception as exc:  # any failure of the page is the journey's result, not a crash
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.steps.append(StepResult(name, False, clock.monotonic() - started, message))
            raise StepFailed(name) from exc
        self.steps.append(StepResult(name, True, clock.monotonic() - started))

    def result(self) -> JourneyResult:
        """The journey so far; call it after the steps ran (or stopped at a failure)."""
        return JourneyResult(
            self.journey, self.started_at, clock.now() - self.started_at, tuple(self.steps)
        )


@contextmanager
def run_steps(recorder: StepRecorder) -> Iterator[StepRecorder]:
    """The body of a journey: a failed step ends it without raising::

    with run_steps(recorder):
        with recorder.step("open login page"):
            ...
    return recorder.result()
    """
    with suppress(StepFailed):
        yield recorder
