"""A drill's timeline: timestamped events, the only source of MTTD and MTTR."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from harness import clock
from harness.events import EventKind


@dataclass(frozen=True)
class Event:
    at: float
    kind: EventKind
    detail: dict[str, object] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "at": clock.iso(self.at),
            "ts": round(self.at, 3),
            "kind": self.kind.value,
            **self.detail,
        }


class Timeline:
    """Append-only, thread-safe; events may be recorded with the platform's own timestamps."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []

    def record(self, kind: EventKind, at: float | None = None, **detail: object) -> Event:
        event = Event(clock.now() if at is None else at, kind, detail)
        with self._lock:
            self._events.append(event)
        return event

    @property
    def events(self) -> list[Event]:
        with self._lock:
            return sorted(self._events, key=lambda e: e.at)

    def first(
        self, kind: EventKind, where: Callable[[Event], bool] = lambda _: True
    ) -> Event | None:
        return next((e for e in self.events if e.kind == kind and where(e)), None)
