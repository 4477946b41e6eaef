"""What the sink keeps: bounded in count and age, thread-safe."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Generic, Literal, TypeVar

Channel = Literal["pagerduty", "slack", "sms", "webhook"]
Status = Literal["firing", "resolved"]
T = TypeVar("T")

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$")
_UNIT_S = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def parse_seconds(value: object) -> float:
    """`90s`, `30m`, `24h`, `500ms` or a number of seconds (the sink's durations:
    retention, escalation delays, acknowledgement timeouts)."""
    match = _DURATION.match(str(value).strip())
    if match is None:
        raise ValueError(f"{value!r} is not a duration such as 90s, 30m, 24h")
    return float(match[1]) * _UNIT_S[match[2]]


@dataclass(frozen=True)
class Limits:
    max_records: int = 10_000
    """Each store keeps at most this many records (the oldest go first)."""
    retention_s: float = 86_400.0
    """Records older than this are dropped."""


class BoundedStore(Generic[T]):
    """Records in arrival order, at most `limits.max_records`, none older than
    `limits.retention_s` (by `stamp(record)`)."""

    def __init__(self, limits: Limits, stamp: Callable[[T], float]) -> None:
        self._limits, self._stamp = limits, stamp
        self._lock = threading.Lock()
        self._records: deque[T] = deque(maxlen=limits.max_records)

    def add(self, record: T) -> T:
        with self._lock:
            self._records.append(record)
        return record

    def all(self) -> list[T]:
        horizon = time.time() - self._limits.retention_s
        with self._lock:
            while self._records and self._stamp(self._records[0]) < horizon:
                self._records.popleft()
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


@dataclass(frozen=True)
class Notification:
    """One alert group's notification to one receiver, as the capture records it."""

    receiver: str
    channel: Channel
    alertname: str
    priority: str
    status: Status
    received_at: float

    def as_json(self) -> dict[str, object]:
        return asdict(self)


class NotificationLog:
    def __init__(self, limits: Limits) -> None:
        self._store: BoundedStore[Notification] = BoundedStore(limits, lambda n: n.received_at)

    def add(
        self, receiver: str, channel: Channel, alertname: str, priority: str, status: Status
    ) -> Notification:
        return self._store.add(
            Notification(receiver, channel, alertname, priority, status, time.time())
        )

    def since(self, since: float = 0.0) -> list[Notification]:
        return [r for r in self._store.all() if r.received_at >= since]

    def clear(self) -> None:
        self._store.clear()
