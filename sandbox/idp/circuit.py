"""A circuit breaker: after `threshold` failed calls in a row it opens and calls fail
fast (the dependency is not called); after `reset_s` one trial call is let
through (half-open) and its outcome closes or re-opens the circuit."""

from __future__ import annotations

import time
from typing import Literal

State = Literal["closed", "open", "half-open"]


class CircuitBreaker:
    def __init__(self, threshold: int, reset_s: float) -> None:
        """`threshold` 0 switches the breaker off: every call goes through."""
        self.threshold = threshold
        self.reset_s = reset_s
        self.failures = 0
        self.opened_at: float | None = None

    @property
    def state(self) -> State:
        if self.opened_at is None:
            return "closed"
        return "half-open" if time.monotonic() - self.opened_at >= self.reset_s else "open"

    def allow(self) -> bool:
        return self.state != "open"

    def record(self, ok: bool) -> bool:
        """The outcome of a call that was allowed; True when it opened the circuit."""
        if ok:
            self.failures, self.opened_at = 0, None
            return False
        self.failures += 1
        if self.threshold and (self.state == "half-open" or self.failures >= self.threshold):
            self.opened_at = time.monotonic()
            return True
        return False
