"""How strongly a receiver check is proven, and where the target reads each receiver
back from.

Evidence tiers, weakest first:
  routed     Alertmanager's API lists the receiver among the alert's receivers;
  delivered  Alertmanager's notification metrics (labelled by receiver) show an
             attempt for it since the fault that did not fail;
  received   the receiving system itself has the notification, read through its
             own API (a webhook capture, a mail server, PagerDuty, Slack).

A target lists under `receivers:` the readers it has; a receiver without one can be
proven at most delivered (routed if the target's Alertmanager does not label its
notification metrics by receiver)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator

from harness.types import Frozen, SecretSource, http_url


class EvidenceTier(StrEnum):
    ROUTED = "routed"
    DELIVERED = "delivered"
    RECEIVED = "received"

    @property
    def rank(self) -> int:
        return list(EvidenceTier).index(self)

    def __le__(self, other: object) -> bool:
        if not isinstance(other, EvidenceTier):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, EvidenceTier):
            return NotImplemented
        return self.rank < other.rank


class _Reader(Frozen):
    url: str
    """Where the receiving system's API answers."""

    _url = field_validator("url")(http_url)


class WebhookCaptureReader(_Reader):
    """`pagerdrill sink` (or the sandbox's sink): `GET /notifications`."""

    kind: Literal["webhook-capture"]
    receiver: str | None = None
    """The receiver's name in the capture (default: the Alertmanager receiver's)."""
    token: SecretSource | None = None
    """The capture's bearer token, if it requires one."""


class MailpitReader(_Reader):
    """A mail server's HTTP API (Mailpit's `/api/v1/search`): messages to `to`. The
    subject must name the alert (Alertmanager's default email subject does)."""

    kind: Literal["mailpit"]
    to: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    username: str | None = None
    password: SecretSource | None = None
    """Basic auth of the mail server's API, if it has one."""


class PagerDutyReader(_Reader):
    """PagerDuty's REST API: incidents of `service_id` and their log entries."""

    kind: Literal["pagerduty"]
    service_id: str
    token: SecretSource
    """A read-only REST API key."""


class SlackReader(_Reader):
    """Slack's Web API: `conversations.history` of `channel` (the channel's ID)."""

    kind: Literal["slack"]
    channel: str
    token: SecretSource
    """A bot token with `channels:history`."""


ReceiverReader = Annotated[
    WebhookCaptureReader | MailpitReader | PagerDutyReader | SlackReader,
    Field(discriminator="kind"),
]


class WarRoomReader(_Reader):
    """Where a P0's war room is read back: a Slack workspace's Web API
    (`conversations.list`, and `conversations.history` for when it was archived).
    The war room of an alert is the channel named `channel_prefix` (with `{alert}`
    as the alert's name in lower case) created after the fault."""

    kind: Literal["slack"]
    token: SecretSource
    """A bot token with `channels:read` and `channels:history`."""
    channel_prefix: str = "inc-{alert}-"


class StatusPageReader(_Reader):
    """A status page's REST API (Statuspage's shapes): the incidents of `page_id`. The
    incident of an alert is the one whose metadata names it
    (`metadata.alertmanager.alertname`, as the automation that opens it sets)."""

    kind: Literal["statuspage"]
    page_id: str
    token: SecretSource
    """An API key (sent as `Authorization: OAuth <key>`)."""
