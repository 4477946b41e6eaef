"""PagerDuty's REST API v2: a service's incidents and their log entries, an
escalation policy's levels, and acknowledging an incident (as the on-call would)."""

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
    policy_id: str = ""


@dataclass(frozen=True)
class LogEntry:
    """One log entry: `type` without `_log_entry` (trigger, notify, escalate,
    acknowledge, unacknowledge, resolve), when, and who (the user notified or the
    agent that acted; empty when neither)."""

    type: str
    at: float
    who: str = ""


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
                str((i.get("escalation_policy") or {}).get("id", "")),
            )
            for i in body.get("incidents") or []
        ]

    def log_entries(self, incident_id: str) -> list[LogEntry]:
        """The incident's log, oldest first."""
        body: dict[str, Any] = self.request(
            "GET", f"/incidents/{incident_id}/log_entries", params={"time_zone": "UTC"}
        )
        entries = [
            LogEntry(
                str(e.get("type", "")).removesuffix("_log_entry"),
                clock.parse_iso(str(e["created_at"])),
                str((e.get("user") or e.get("agent") or {}).get("summary", "")),
            )
            for e in body.get("log_entries") or []
        ]
        return sorted(entries, key=lambda e: e.at)

    def resolved_at(self, incident_id: str) -> float | None:
        """When the incident's `resolve_log_entry` was written, if it was resolved."""
        stamps = [e.at for e in self.log_entries(incident_id) if e.type == "resolve"]
        return min(stamps, default=None)

    def escalation_levels(self, policy_id: str) -> list[list[str]]:
        """Who is on each level of the escalation policy, level 1 first."""
        body: dict[str, Any] = self.request("GET", f"/escalation_policies/{policy_id}")
        rules = (body.get("escalation_policy") or {}).get("escalation_rules") or []
        return [[str(t.get("summary", "")) for t in r.get("targets") or []] for r in rules]

    def acknowledge(self, incident_id: str, by_email: str) -> None:
        """Acknowledge the incident as the user with this e-mail (`From`)."""
        self.request(
            "PUT",
            f"/incidents/{incident_id}",
            json={"incident": {"type": "incident_reference", "status": "acknowledged"}},
            headers={"From": by_email},
        )
