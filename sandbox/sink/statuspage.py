"""The sink playing a status page (Atlassian Statuspage's REST API shapes): one page
with its components, and incidents created, updated and resolved on it. The
incident automation opens one on a P0 (`investigating`, its components in
`major_outage`) and resolves it; pagerdrill reads the page's incidents back."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

STATUSES = ("investigating", "identified", "monitoring", "resolved")


def _iso(at: float | None) -> str | None:
    return None if at is None else datetime.fromtimestamp(at, UTC).isoformat()


class StatusPageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Component:
    id: str
    name: str
    status: str = "operational"

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "status": self.status}


@dataclass
class Update:
    id: str
    status: str
    body: str
    created_at: float

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status,
            "body": self.body,
            "created_at": _iso(self.created_at),
        }


@dataclass
class StatusIncident:
    id: str
    name: str
    status: str
    impact: str
    created_at: float
    metadata: dict[str, Any]
    component_ids: list[str]
    updates: list[Update] = field(default_factory=list)
    resolved_at: float | None = None

    def as_json(self, page_id: str) -> dict[str, object]:
        return {
            "id": self.id,
            "page_id": page_id,
            "name": self.name,
            "status": self.status,
            "impact": self.impact,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updates[-1].created_at if self.updates else self.created_at),
            "resolved_at": _iso(self.resolved_at),
            "metadata": self.metadata,
            "components": [{"id": c} for c in self.component_ids],
            "incident_updates": [u.as_json() for u in reversed(self.updates)],
        }


class StatusPage:
    def __init__(self, page_id: str, components: dict[str, str]) -> None:
        self.page_id = page_id
        self.components = {k: Component(k, name) for k, name in components.items()}
        self._incidents: dict[str, StatusIncident] = {}
        self._ids = itertools.count(1)

    def check_page(self, page_id: str) -> None:
        if page_id != self.page_id:
            raise StatusPageError(404, "The requested resource could not be found.")

    def create(self, fields: dict[str, Any]) -> StatusIncident:
        name = str(fields.get("name") or "")
        status = str(fields.get("status") or "investigating")
        if not name or status not in STATUSES:
            raise StatusPageError(422, "name is required and status must be an incident status")
        component_ids = [str(c) for c in fields.get("component_ids") or []]
        unknown = [c for c in component_ids if c not in self.components]
        if unknown:
            raise StatusPageError(422, f"unknown component {unknown[0]}")
        incident = StatusIncident(
            f"inc{next(self._ids)}",
            name,
            status,
            str(fields.get("impact_override") or "major"),
            time.time(),
            dict(fields.get("metadata") or {}),
            component_ids,
        )
        self._incidents[incident.id] = incident
        self._update(incident, fields)
        return incident

    def update(self, incident_id: str, fields: dict[str, Any]) -> StatusIncident:
        incident = self._incidents.get(incident_id)
        if incident is None:
            raise StatusPageError(404, "The requested resource could not be found.")
        status = str(fields.get("status") or incident.status)
        if status not in STATUSES:
            raise StatusPageError(422, "status must be an incident status")
        incident.status = status
        self._update(incident, fields)
        return incident

    def _update(self, incident: StatusIncident, fields: dict[str, Any]) -> None:
        now = time.time()
        incident.updates.append(
            Update(f"{incident.id}-u{len(incident.updates) + 1}", incident.status,
                   str(fields.get("body") or ""), now)
        )  # fmt: skip
        for component_id, state in (fields.get("components") or {}).items():
            if component_id in self.components:
                self.components[component_id].status = str(state)
        if incident.status == "resolved" and incident.resolved_at is None:
            incident.resolved_at = now

    def incidents(self, unresolved_only: bool = False) -> list[StatusIncident]:
        found = sorted(self._incidents.values(), key=lambda i: i.created_at, reverse=True)
        return [i for i in found if not (unresolved_only and i.status == "resolved")]

    def clear(self) -> None:
        self._incidents.clear()
        for component in self.components.values():
            component.status = "operational"
