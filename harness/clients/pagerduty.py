"""PagerDuty's REST API v2, read-only: a service's incidents and their log entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harness import clock
from harness.clients._http import JsonApi


@dataclass(frozen=True)
class Incident:
    id: str
    title: str
    status: str
    created_at: float


class PagerDutyClient(JsonApi):
    def __init__(self, base_url: str, token: str, transport: httpx.BaseTransport | None = None):
        super().__init__(
            "PagerDuty",
            base_url,
            transport,
            headers={
                "Authorization": f"Token token={token}",
                "Accept": "application/vnd.pagerduty+json;version=2",
            },
        )

    def incidents(self, service_id: str, since: float) -> list[Incident]:
        """Incidents of the service created since `since`, any status."""
        params: list[tuple[str, str]] = [
            ("service_ids[]", service_id),
            ("since", clock.iso(since)),
            ("until", clock.iso(clock.now() + 60)),
            ("time_zone", "UTC"),
            ("limit", "100"),
        ]
        params += [("statuses[]", s) for s in ("triggered", "acknowledged", "resolved")]
        body: dict[str, Any] = self.request("GET", "/incidents", params=params)
        return [
            Incident(
                str(i["id"]),
                str(i.get("title") or i.get("summary") or ""),
                str(i["status"]),
                clock.parse_iso(str(i["created_at"])),
            )
            for i in body.get("incidents") or []
        ]

    def resolved_at(self, incident_id: str) -> float | None:
        """When the incident's `resolve_log_entry` was written, if it was resolved."""
        body: dict[str, Any] = self.request(
            "GET", f"/incidents/{incident_id}/log_entries", params={"time_zone": "UTC"}
        )
        stamps = [
            clock.parse_iso(str(e["created_at"]))
            for e in body.get("log_entries") or []
            if e.get("type") == "resolve_log_entry"
        ]
        return min(stamps, default=None)
