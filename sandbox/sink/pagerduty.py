"""The sink playing PagerDuty: the Events API v2 that Alertmanager sends to, and the
read side of the REST API v2 (a service's incidents and their log entries) that
pagerdrill's PagerDuty reader uses. The service is the receiver named in the events
URL. Shapes follow PagerDuty's public API; timestamps keep milliseconds."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.sink.records import BoundedStore, Limits


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Incident:
    id: str
    number: int
    service: str
    dedup_key: str
    title: str
    created_at: float
    status: str = "triggered"
    log: list[tuple[str, float]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "incident",
            "incident_number": self.number,
            "title": self.title,
            "summary": f"[#{self.number}] {self.title}",
            "status": self.status,
            "incident_key": self.dedup_key,
            "created_at": iso(self.created_at),
            "last_status_change_at": iso(self.log[-1][1]),
            "urgency": "high",
            "service": {"id": self.service, "type": "service_reference", "summary": self.service},
        }

    def log_entries(self) -> list[dict[str, Any]]:
        return [
            {
                "id": f"{self.id}L{index}",
                "type": kind,
                "created_at": iso(at),
                "summary": kind.replace("_log_entry", "d").capitalize(),
                "incident": {"id": self.id, "type": "incident_reference"},
            }
            for index, (kind, at) in enumerate(self.log)
        ]


class IncidentBook:
    """Open incidents by (service, dedup key): a trigger opens one unless it is open,
    a resolve closes it (Events API v2 semantics)."""

    def __init__(self, limits: Limits) -> None:
        self._store: BoundedStore[Incident] = BoundedStore(limits, lambda i: i.created_at)
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def event(self, service: str, event: dict[str, Any]) -> None:
        action, key = str(event.get("event_action")), str(event.get("dedup_key", ""))
        now = time.time()
        with self._lock:
            open_ = next(
                (
                    i
                    for i in self._store.all()
                    if i.service == service and i.dedup_key == key and i.status != "resolved"
                ),
                None,
            )
            if action == "trigger" and open_ is None:
                number = next(self._numbers)
                title = str((event.get("payload") or {}).get("summary", ""))
                incident = Incident(f"Q{number:06d}", number, service, key, title, now)
                incident.log.append(("trigger_log_entry", now))
                self._store.add(incident)
            elif action == "resolve" and open_ is not None:
                open_.status = "resolved"
                open_.log.append(("resolve_log_entry", now))

    def incidents(self, services: list[str], since: float, until: float) -> list[Incident]:
        return [
            i
            for i in self._store.all()
            if (not services or i.service in services) and since <= i.created_at <= until
        ]

    def find(self, incident_id: str) -> Incident | None:
        return next((i for i in self._store.all() if i.id == incident_id), None)

    def clear(self) -> None:
        self._store.clear()
