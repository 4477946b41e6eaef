"""Slack's Web API, read-only: a channel's history, the workspace's channels."""

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
    subtype: str = ""
    """`channel_archive` when the channel was archived then."""


@dataclass(frozen=True)
class SlackChannel:
    id: str
    name: str
    created: float
    is_archived: bool


class SlackClient(JsonApi):
    def __init__(self, base_url: str, token: str, transport: httpx.BaseTransport | None = None):
        super().__init__("Slack", base_url, transport, headers={"Authorization": f"Bearer {token}"})

    def _call(self, method: str, what: str, **params: str) -> dict[str, Any]:
        body: dict[str, Any] = self.request("GET", f"/{method}", params=params)
        if not body.get("ok"):
            # Slack answers 200 with ok=false: not_authed, invalid_auth, channel_not_found ...
            raise InfrastructureError(
                f"Slack at {self.base_url} refused {method}{what}: "
                f"{body.get('error', 'no error given')}"
            )
        return body

    def history(self, channel: str, oldest: float) -> list[SlackMessage]:
        body = self._call(
            "conversations.history",
            f" of {channel}",
            channel=channel,
            oldest=f"{oldest:.6f}",
            limit="200",
        )
        return [
            SlackMessage(float(m["ts"]), _flatten(m), str(m.get("subtype") or ""))
            for m in body.get("messages") or []
        ]

    def channels(self) -> list[SlackChannel]:
        """Every channel of the workspace, archived ones too."""
        body = self._call("conversations.list", "", exclude_archived="false", limit="1000")
        return [
            SlackChannel(str(c["id"]), str(c["name"]), float(c["created"]), bool(c["is_archived"]))
            for c in body.get("channels") or []
        ]


def _flatten(message: dict[str, Any]) -> str:
    lines = [str(message.get("text") or "")]
    for attachment in message.get("attachments") or []:
        lines += [str(attachment.get(k) or "") for k in ("title", "text", "fallback")]
        lines += [
            f"{f.get('title', '')}: {f.get('value', '')}" for f in attachment.get("fields") or []
        ]
    return "\n".join(line for line in lines if line)
