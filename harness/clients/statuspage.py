"""A status page's REST API (Atlassian Statuspage's shapes), read-only: the page's
incidents with their updates and the metadata the automation that opened them set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harness import clock
from harness.clients._http import JsonApi


@dataclass(frozen=True)
class PageIncident:
    id: str
    name: str
    status: str
    created_at: float
    resolved_at: float | None
    metadata: dict[str, Any]
    updates: tuple[str, ...]
    """The bodies of its updates, oldest first."""


class StatusPageClient(JsonApi):
    def __init__(
        self, base_url: str, page_id: str, token: str, transport: httpx.BaseTransport | None = None
    ):
        super().__init__(
            "the status page",
            f"{base_url.rstrip('/')}/pages/{page_id}",
            transport,
            headers={"Authorization": f"OAuth {token}"},
        )

    def incidents(self) -> list[PageIncident]:
        found: list[dict[str, Any]] = self.request("GET", "/incidents") or []
        return [
            PageIncident(
                str(i["id"]),
                str(i.get("name") or ""),
                str(i.get("status") or ""),
                clock.parse_iso(str(i["created_at"])),
                clock.parse_iso(str(i["resolved_at"])) if i.get("resolved_at") else None,
                dict(i.get("metadata") or {}),
                tuple(str(u.get("body") or "") for u in reversed(i.get("incident_updates") or [])),
            )
            for i in found
        ]
