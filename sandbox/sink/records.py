"""What the notification sink received: one record per alert group per receiver."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import Literal

Channel = Literal["pagerduty", "slack", "email", "sms", "webhook"]
Status = Literal["firing", "resolved"]


@dataclass(frozen=True)
class Notification:
    receiver: str
    channel: Channel
    alertname: str
    priority: str
    status: Status
    received_at: float

    def as_json(self) -> dict[str, object]:
        return asdict(self)


class NotificationLog:
    """Thread-safe: the HTTP server and the SMTP server append from different threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[Notification] = []

    def add(
        self, receiver: str, channel: Channel, alertname: str, priority: str, status: Status
    ) -> Notification:
        record = Notification(receiver, channel, alertname, priority, status, time.time())
        with self._lock:
            self._records.append(record)
        return record

    def since(self, since: float = 0.0) -> list[Notification]:
        with self._lock:
            return [r for r in self._records if r.received_at >= since]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
