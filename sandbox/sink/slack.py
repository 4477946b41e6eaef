"""The sink playing Slack: incoming webhooks (what Alertmanager posts) keep each
message in its channel, and the Web API's `conversations.history` reads a channel
back. A channel's ID is derived from its name (`#incidents-critical` ->
`CINCIDENTSCRITICAL`), as Slack's IDs are opaque upper-case strings."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from sandbox.sink.records import BoundedStore, Limits


def channel_id(name: str) -> str:
    return "C" + re.sub(r"[^A-Z0-9]", "", name.upper())


@dataclass(frozen=True)
class Message:
    channel: str
    ts: float
    payload: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "type": "message",
            "subtype": str(self.payload.get("subtype") or "bot_message"),
            "ts": f"{self.ts:.6f}",
            "text": str(self.payload.get("text") or ""),
            "username": str(self.payload.get("username") or "alertmanager"),
            "attachments": self.payload.get("attachments") or [],
        }


class ChannelHistory:
    def __init__(self, limits: Limits) -> None:
        self._store: BoundedStore[Message] = BoundedStore(limits, lambda m: m.ts)

    def post(self, default_channel: str, payload: dict[str, Any]) -> float:
        """Keeps the message in its channel; its `ts`."""
        name = str(payload.get("channel") or default_channel)
        return self._store.add(Message(channel_id(name), time.time(), payload)).ts

    def history(self, channel: str, oldest: float) -> list[Message]:
        found = [m for m in self._store.all() if m.channel == channel and m.ts >= oldest]
        return sorted(found, key=lambda m: m.ts, reverse=True)  # newest first, as Slack

    def clear(self) -> None:
        self._store.clear()
