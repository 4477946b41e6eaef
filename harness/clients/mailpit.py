"""A mail server's HTTP API (Mailpit's): the messages sent to one address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harness import clock
from harness.clients._http import JsonApi


@dataclass(frozen=True)
class MailMessage:
    subject: str
    created_at: float
    id: str = ""


class MailpitClient(JsonApi):
    def __init__(
        self,
        base_url: str,
        auth: tuple[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        super().__init__("the mail server", base_url, transport, auth=auth)

    def messages_to(self, address: str, since: float) -> list[MailMessage]:
        body: dict[str, Any] = self.request(
            "GET", "/api/v1/search", params={"query": f"to:{address}", "limit": "200"}
        )
        found = [
            MailMessage(
                str(m.get("Subject") or ""), clock.parse_iso(str(m["Created"])), str(m.get("ID"))
            )
            for m in body.get("messages") or []
        ]
        return [m for m in found if m.created_at >= since]

    def body(self, message_id: str) -> str:
        """The message's plain-text part (its HTML part when it has none)."""
        body: dict[str, Any] = self.request("GET", f"/api/v1/message/{message_id}")
        return str(body.get("Text") or body.get("HTML") or "")
