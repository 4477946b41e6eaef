"""Load in a drill, as data (`load:` in a drill file): which locustfile, which
shape, how many generator processes, and the bounds no run may exceed. The
shapes' arithmetic lives here too, so that the harness can plan and the Locust
process (load/locustfiles/drill_shape.py) can follow the same schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from harness.types import Frozen, Seconds

Tick = tuple[int, float] | None
"""(users, spawn rate per second) at a moment, or None when the shape has ended."""


class _Shape(Frozen):
    @property
    def stress_at(self) -> float:
        """Seconds from the start until the stress begins (a spike's `at`)."""
        return 0.0


class SteadyShape(_Shape):
    """`users` for `duration` (a soak is a long steady)."""

    kind: Literal["steady", "soak"]
    users: int = Field(ge=1, le=10_000)
    spawn_rate: float = Field(default=10, gt=0)
    duration: Seconds

    def tick(self, t: float) -> Tick:
        return (self.users, self.spawn_rate) if t < self.duration else None


class RampShape(_Shape):
    """From `start` users to `end` users, linearly over `duration`."""

    kind: Literal["ramp"]
    start: int = Field(default=1, ge=0, le=10_000)
    end: int = Field(ge=1, le=10_000)
    duration: Seconds

    def tick(self, t: float) -> Tick:
        if t >= self.duration:
            return None
        users = round(self.start + (self.end - self.start) * t / self.duration)
        rate = max(1.0, abs(self.end - self.start) / self.duration)
        return max(users, 1), rate


class StepShape(_Shape):
    """`start` users, plus `step` more every `every`, for `steps` steps."""

    kind: Literal["step"]
    start: int = Field(default=1, ge=1, le=10_000)
    step: int = Field(ge=1, le=10_000)
    every: Seconds
    steps: int = Field(ge=1, le=100)
    spawn_rate: float = Field(default=10, gt=0)

    @property
    def duration(self) -> float:
        return self.every * self.steps

    def tick(self, t: float) -> Tick:
        if t >= self.duration:
            return None
        return self.start + self.step * int(t // self.every), self.spawn_rate


class SpikeShape(_Shape):
    """`base` users; at `at`, `peak` users for `hold`; then `base` again until `duration`."""

    kind: Literal["spike"]
    base: int = Field(default=1, ge=1, le=10_000)
    peak: int = Field(ge=1, le=10_000)
    at: Seconds
    hold: Seconds
    duration: Seconds
    spawn_rate: float = Field(default=50, gt=0)

    @model_validator(mode="after")
    def _fits(self) -> SpikeShape:
        if self.at + self.hold > self.duration:
            raise ValueError("the spike (at + hold) must end within duration")
        return self

    @property
    def stress_at(self) -> float:
        return self.at

    def tick(self, t: float) -> Tick:
        if t >= self.duration:
            return None
        users = self.peak if self.at <= t < self.at + self.hold else self.base
        return users, self.spawn_rate


LoadShape = Annotated[SteadyShape | RampShape | StepShape | SpikeShape, Field(discriminator="kind")]


class LoadSpec(Frozen):
    locustfile: Path = Path("load/locustfiles/idp.py")
    """The platform's own locustfile: absolute, or relative to the target file's folder
    (else to pagerdrill's, where the reference IDP's is); plain Locust."""
    user_classes: list[str] = Field(default_factory=list)
    """Which of its User classes run (default: every one Locust finds in it)."""
    shape: LoadShape
    processes: int = Field(default=1, ge=1, le=64)
    """Locust worker processes on this machine (`--processes`); 2+ uses more cores."""
    max_requests: int = Field(default=200_000, ge=1)
    """The run is stopped once this many requests were made (checked every second)."""
    max_duration: Seconds = 600.0
    """The run never lasts longer, whatever the shape says."""

    @field_validator("user_classes")
    @classmethod
    def _class_names(cls, names: list[str]) -> list[str]:
        bad = [name for name in names if not name.isidentifier()]
        if bad:
            raise ValueError(f"not Python class names: {', '.join(bad)}")
        return names

    @model_validator(mode="after")
    def _bounded(self) -> LoadSpec:
        if self.shape.duration > self.max_duration:
            raise ValueError(
                f"the shape lasts {self.shape.duration:g} s, more than max_duration "
                f"{self.max_duration:g} s"
            )
        return self


class LoadExpectation(Frozen):
    """SLOs the load must meet over the whole run."""

    p95_below: Seconds | None = None
    max_error_ratio: float | None = Field(default=None, ge=0, le=1)
    min_requests: int | None = Field(default=None, ge=1)
