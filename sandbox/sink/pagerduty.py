"""The sink playing PagerDuty: the Events API v2 that Alertmanager sends to, and the
REST API v2 that pagerdrill's PagerDuty reader uses (a service's incidents and
their log entries, escalation policies, acknowledging an incident). The service is
the receiver named in the events URL. Shapes follow PagerDuty's public API;
timestamps keep milliseconds."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox.sink.escalation import (
    NO_POLICY,
    EscalationPolicy,
    IncidentLadder,
    ServicePolicy,
    user_reference,
)
from sandbox.sink.records import BoundedStore, Limits

Policies = Callable[[], Mapping[str, ServicePolicy]]
"""The services' escalation policies as they are now (PolicyFile, or a dict's)."""


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Incident:
    id: str
    number: int
    service: str
    dedup_key: str
    title: str
    ladder: IncidentLadder

    @property
    def created_at(self) -> float:
        return self.ladder.triggered_at

    @property
    def status(self) -> str:
        return self.ladder.status

    def as_json(self) -> dict[str, Any]:
        policy = self.ladder.service.policy
        return {
            "id": self.id,
            "type": "incident",
            "incident_number": self.number,
            "title": self.title,
            "summary": f"[#{self.number}] {self.title}",
            "status": self.status,
            "incident_key": self.dedup_key,
            "created_at": iso(self.created_at),
            "last_status_change_at": iso(self.ladder.log[-1][1]),
            "urgency": "high",
            "service": {"id": self.service, "type": "service_reference", "summary": self.service},
            "escalation_policy": {
                "id": policy.id,
                "type": "escalation_policy_reference",
                "summary": policy.id,
            },
            "assignments": [
                {"at": iso(self.ladder.level_since), "assignee": user_reference(name)}
                for name in (self.ladder.assignees() if self.status != "resolved" else ())
            ],
        }

    def log_entries(self) -> list[dict[str, Any]]:
        return [
            {
                "id": f"{self.id}L{index}",
                "type": kind,
                "created_at": iso(at),
                "summary": kind.removesuffix("_log_entry").replace("_", " ").capitalize(),
                "incident": {"id": self.id, "type": "incident_reference"},
                **extra,
            }
            for index, (kind, at, extra) in enumerate(self.ladder.log)
        ]


class IncidentBook:
    """Open incidents by (service, dedup key): a trigger opens one unless it is open,
    a resolve closes it (Events API v2 semantics); each escalates along its
    service's policy (sandbox/sink/escalation.py) until acknowledged or resolved."""

    def __init__(self, limits: Limits, policies: Policies = dict) -> None:
        self._store: BoundedStore[Incident] = BoundedStore(limits, lambda i: i.created_at)
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self.policies = policies

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
                ladder = IncidentLadder(self.policies().get(service, NO_POLICY), now)
                self._store.add(Incident(f"Q{number:06d}", number, service, key, title, ladder))
            elif action == "resolve" and open_ is not None:
                open_.ladder.resolve(now)

    def acknowledge(self, incident_id: str, by: str) -> Incident | None:
        """Acknowledge a triggered incident (REST `PUT /incidents/{id}`); None if unknown."""
        with self._lock:
            incident = self._find(incident_id)
            if incident is not None:
                incident.ladder.acknowledge(time.time(), by)
            return incident

    def policy(self, policy_id: str) -> EscalationPolicy | None:
        policies = self.policies().values()
        return next((s.policy for s in policies if s.policy.id == policy_id), None)

    def incidents(self, services: list[str], since: float, until: float) -> list[Incident]:
        now = time.time()
        with self._lock:
            found = [
                i
                for i in self._store.all()
                if (not services or i.service in services) and since <= i.created_at <= until
            ]
            for incident in found:
                incident.ladder.catch_up(now)
            return found

    def find(self, incident_id: str) -> Incident | None:
        with self._lock:
            incident = self._find(incident_id)
            if incident is not None:
                incident.ladder.catch_up(time.time())
            return incident

    def _find(self, incident_id: str) -> Incident | None:
        return next((i for i in self._store.all() if i.id == incident_id), None)

    def clear(self) -> None:
        self._store.clear()
