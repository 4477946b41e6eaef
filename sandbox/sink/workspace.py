"""The sink playing a Slack workspace for the incident automation: channels created,
listed and archived through the Web API (`conversations.create`, `.list`,
`.archive`), and messages posted with `chat.postMessage` into the same history the
incoming webhooks fill. Archiving leaves a `channel_archive` message, as Slack does:
it is when a reader sees the war room closed."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from sandbox.sink.slack import ChannelHistory, channel_id

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


class SlackError(Exception):
    """What Slack answers as `{"ok": false, "error": ...}`."""


@dataclass
class Conversation:
    id: str
    name: str
    created: float
    is_archived: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": True,
            "created": int(self.created),
            "is_archived": self.is_archived,
        }


class Workspace:
    def __init__(self, history: ChannelHistory) -> None:
        self._history = history
        self._channels: dict[str, Conversation] = {}

    def create(self, name: str) -> Conversation:
        if not _NAME.match(name):
            raise SlackError("invalid_name")
        if channel_id(name) in self._channels:
            raise SlackError("name_taken")
        channel = Conversation(channel_id(name), name, time.time())
        self._channels[channel.id] = channel
        return channel

    def channels(self, exclude_archived: bool) -> list[Conversation]:
        found = self._channels.values()
        return [c for c in found if not (exclude_archived and c.is_archived)]

    def post(self, channel: str, text: str) -> float:
        found = self._open(channel)
        return self._history.post(found.name, {"channel": found.name, "text": text})

    def archive(self, channel: str) -> None:
        found = self._open(channel)
        self._history.post(found.name, {"channel": found.name, "subtype": "channel_archive"})
        found.is_archived = True

    def _open(self, channel: str) -> Conversation:
        found = self._channels.get(channel)
        if found is None:
            raise SlackError("channel_not_found")
        if found.is_archived:
            raise SlackError("is_archived")
        return found

    def clear(self) -> None:
        self._channels.clear()
