"""Slack's Web API, read-only: a channel's history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harness.clients._http import JsonApi
from harness.errors import InfrastructureError


@dataclass(frozen=True)
class SlackMessage:
    ts: float
    text: str
    """The message text and its attachments' titles, texts and fields, one per line."""


class SlackClient(JsonApi):
    def __init__(self, base_url: str, token: str, transport: httpx.BaseTransport | None = None):
        super().__init__("Slack", base_url, transport, headers={"Authorization": f"Bearer {token}"})

    def history(self, channel: str, oldest: float) -> list[SlackMessage]:
        body: dict[str, Any] = self.request(
            "GET",
            "/conversations.history",
            params={"channel": channel, "oldest": f"{oldest:.6f}", "limit": "200"},
        )
        if not body.get("ok"):
            # Slack answers 200 with ok=false: not_authed, invalid_auth, channel_not_found ...
            raise InfrastructureError(
                f"Slack at {self.base_url} refused conversations.history of {channel}: "
                f"{body.get('error', 'no error given')}"
            )
        return [SlackMessage(float(m["ts"]), _flatten(m)) for m in body.get("messages") or []]


def _flatten(message: dict[str, Any]) -> str:
    lines = [str(message.get("text") or "")]
    for attachment in message.get("attachments") or []:
        lines += [str(attachment.get(k) or "") for k in ("title", "text", "fallback")]
        lines += [
            f"{f.get('title', '')}: {f.get('value', '')}" for f in attachment.get("fields") or []
        ]
    return "\n".join(line for line in lines if line)
