"""Reading receivers back: what each receiving system itself says it got (the
`received` tier). One reader per receiving system; every reader answers in the
same shape (`Notification`), so the checks do not care which system it was.

An alert is recognised by its name in the notification (a webhook capture records
it; for PagerDuty, Slack and email it must appear in the incident title, message
or subject, as in Alertmanager's default templates); `[RESOLVED]` (any case) at the
start of a title or subject marks a resolution, as Alertmanager's templates write it."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from pydantic import SecretStr

from harness.clients import Notification, NotificationSinkClient
from harness.clients.mailpit import MailMessage, MailpitClient
from harness.clients.pagerduty import LogEntry, PagerDutyClient
from harness.clients.slack import SlackClient
from harness.closing import Closing
from harness.receivers import (
    MailpitReader,
    PagerDutyReader,
    ReceiverReader,
    SlackReader,
    WebhookCaptureReader,
)
from harness.settings import Settings

_RESOLVED = re.compile(r"^\W*\[?\s*resolved\b", re.IGNORECASE | re.MULTILINE)


def names_alert(text: str, alertname: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(alertname)}(?![\w-])", text) is not None


def status_of(text: str) -> str:
    return "resolved" if _RESOLVED.search(text) else "firing"


class Reader(Protocol):
    """Reads back the receivers it `reads`."""

    def reads(self, receiver: str) -> bool: ...

    def received(self, alertnames: Collection[str], since: float) -> Iterable[Notification]: ...

    def close(self) -> None: ...


@dataclass
class CaptureReader:
    """A webhook capture (`pagerdrill sink`): it records receiver and alert name."""

    client: NotificationSinkClient
    names: dict[str, str] | None
    """Receiver -> its name in the capture; None: every receiver under its own name
    except the `uncaptured`."""
    uncaptured: frozenset[str] = frozenset()

    def reads(self, receiver: str) -> bool:
        return receiver not in self.uncaptured if self.names is None else receiver in self.names

    def received(self, alertnames: Collection[str], since: float) -> Iterable[Notification]:
        by_capture = None if self.names is None else {v: k for k, v in self.names.items()}
        for n in self.client.notifications(since=since):
            if n.alertname not in alertnames:
                continue
            if by_capture is None:
                yield n
            elif n.receiver in by_capture:
                yield Notification(
                    by_capture[n.receiver],
                    n.channel,
                    n.alertname,
                    n.priority,
                    n.status,
                    n.received_at,
                )

    def close(self) -> None:
        self.client.close()


@dataclass(frozen=True)
class Message:
    """One notification as its receiver shows it, with its whole text."""

    receiver: str
    alertname: str
    status: str
    at: float
    text: str


@dataclass
class _TextReader:
    """Shared by the readers that find the alert's name in a text."""

    receiver: str
    channel: str

    def reads(self, receiver: str) -> bool:
        return receiver == self.receiver

    def _notifications(
        self, texts: Iterable[tuple[str, float]], alertnames: Collection[str]
    ) -> Iterable[Notification]:
        for text, at in texts:
            for name in alertnames:
                if names_alert(text, name):
                    yield Notification(self.receiver, self.channel, name, "", status_of(text), at)

    def _messages(
        self, texts: Iterable[tuple[str, float, Callable[[], str]]], alertnames: Collection[str]
    ) -> list[Message]:
        """`texts`: each notification's title, time and a way to its whole text."""
        found = []
        for title, at, whole in texts:
            names = [n for n in alertnames if names_alert(title, n)]
            if names:
                text = whole()
                found += [Message(self.receiver, n, status_of(title), at, text) for n in names]
        return found


@dataclass
class MailReader(_TextReader):
    client: MailpitClient = field(kw_only=True)
    address: str = field(kw_only=True)

    def received(self, alertnames: Collection[str], since: float) -> Iterable[Notification]:
        messages = self.client.messages_to(self.address, since)
        return self._notifications(((m.subject, m.created_at) for m in messages), alertnames)

    def messages(self, alertnames: Collection[str], since: float) -> list[Message]:
        """Subject and plain-text body of each mail naming one of the alerts."""
        mails = self.client.messages_to(self.address, since)
        return self._messages(
            ((m.subject, m.created_at, partial(self._whole, m)) for m in mails), alertnames
        )

    def _whole(self, mail: MailMessage) -> str:
        return f"{mail.subject}\n{self.client.body(mail.id)}"

    def close(self) -> None:
        self.client.close()


@dataclass
class SlackChannelReader(_TextReader):
    client: SlackClient = field(kw_only=True)
    channel_id: str = field(kw_only=True)

    def received(self, alertnames: Collection[str], since: float) -> Iterable[Notification]:
        messages = self.client.history(self.channel_id, since)
        return self._notifications(((m.text, m.ts) for m in messages), alertnames)

    def messages(self, alertnames: Collection[str], since: float) -> list[Message]:
        found = self.client.history(self.channel_id, since)
        return self._messages(((m.text, m.ts, partial(str, m.text)) for m in found), alertnames)

    def close(self) -> None:
        self.client.close()


@dataclass
class PagerDutyServiceReader(_TextReader):
    """An incident is the firing notification (at its creation); its resolve log
    entry is the resolved one."""

    client: PagerDutyClient = field(kw_only=True)
    service_id: str = field(kw_only=True)
    _resolved_at: dict[str, float] = field(default_factory=dict)

    def received(self, alertnames: Collection[str], since: float) -> Iterable[Notification]:
        for incident in self.client.incidents(self.service_id, since):
            names = [n for n in alertnames if names_alert(incident.title, n)]
            if not names:
                continue
            resolved_at = None
            if incident.status == "resolved":
                resolved_at = self._resolved_at.get(incident.id)
                if resolved_at is None:
                    resolved_at = self.client.resolved_at(incident.id)
                    if resolved_at is not None:
                        self._resolved_at[incident.id] = resolved_at
            for name in names:
                yield Notification(
                    self.receiver, self.channel, name, "", "firing", incident.created_at
                )
                if resolved_at is not None:
                    yield Notification(
                        self.receiver, self.channel, name, "", "resolved", resolved_at
                    )

    def incident(self, alertname: str, since: float) -> IncidentTrail | None:
        """The first incident for the alert since `since`: its log and who is on each
        level of its escalation policy."""
        found = [
            i
            for i in self.client.incidents(self.service_id, since)
            if names_alert(i.title, alertname)
        ]
        if not found:
            return None
        first = min(found, key=lambda i: i.created_at)
        levels = self.client.escalation_levels(first.policy_id) if first.policy_id else []
        return IncidentTrail(
            self.receiver,
            first.id,
            first.created_at,
            tuple(self.client.log_entries(first.id)),
            tuple(tuple(level) for level in levels),
        )

    def acknowledge(self, incident_id: str, by_email: str) -> None:
        self.client.acknowledge(incident_id, by_email)

    def close(self) -> None:
        self.client.close()


@dataclass(frozen=True)
class IncidentTrail:
    """One incident on a PagerDuty service, as its log tells it."""

    receiver: str
    incident_id: str
    triggered_at: float
    log: tuple[LogEntry, ...]
    policy_levels: tuple[tuple[str, ...], ...]
    """Who the service's escalation policy puts on each level, level 1 first."""

    def first(self, kind: str, who: str | None = None) -> LogEntry | None:
        return next((e for e in self.log if e.type == kind and (who is None or e.who == who)), None)


@dataclass
class ReceiverReaders(Closing):
    """Every reader the target configures, by receiver."""

    readers: list[Reader]

    def reads(self, receiver: str) -> bool:
        return any(r.reads(receiver) for r in self.readers)

    def incidents(self, receiver: str) -> PagerDutyServiceReader | None:
        """The reader of an incident system (PagerDuty) for `receiver`, if any."""
        return next(
            (
                r
                for r in self.readers
                if isinstance(r, PagerDutyServiceReader) and r.receiver == receiver
            ),
            None,
        )

    def messages(
        self, receiver: str, alertnames: Collection[str], since: float
    ) -> list[Message] | None:
        """What `receiver` was told about these alerts since `since`, whole texts, oldest
        first; None when no reader of it returns message texts (Slack and mail do)."""
        for reader in self.readers:
            if isinstance(reader, MailReader | SlackChannelReader) and reader.reads(receiver):
                return sorted(reader.messages(alertnames, since), key=lambda m: m.at)
        return None

    def notifications(self, alertnames: Collection[str], since: float) -> list[Notification]:
        """What the receiving systems got for these alerts since `since`, oldest first."""
        found = [n for r in self.readers for n in r.received(alertnames, since)]
        return sorted(found, key=lambda n: n.received_at)

    def close(self) -> None:
        for reader in self.readers:
            reader.close()


def open_readers(settings: Settings) -> ReceiverReaders:
    target = settings.target
    readers: list[Reader] = [
        _reader(name, config, settings.receiver_secrets.get(name))
        for name, config in target.receivers.items()
    ]
    if target.notification_sink is not None:
        token = settings.receiver_secrets.get("notification_sink")
        client = NotificationSinkClient(
            target.notification_sink.url,
            token=None if token is None else token.get_secret_value(),
        )
        readers.append(CaptureReader(client, None, frozenset(target.notification_sink.uncaptured)))
    return ReceiverReaders(readers)


def _reader(receiver: str, config: ReceiverReader, secret: SecretStr | None) -> Reader:
    token = "" if secret is None else secret.get_secret_value()
    if isinstance(config, WebhookCaptureReader):
        client = NotificationSinkClient(config.url, token=token or None)
        return CaptureReader(client, {receiver: config.receiver or receiver})
    if isinstance(config, MailpitReader):
        auth = None if config.username is None else (config.username, token)
        return MailReader(
            receiver, "email", client=MailpitClient(config.url, auth), address=config.to
        )
    if isinstance(config, PagerDutyReader):
        return PagerDutyServiceReader(
            receiver,
            "pagerduty",
            client=PagerDutyClient(config.url, token),
            service_id=config.service_id,
        )
    assert isinstance(config, SlackReader)
    return SlackChannelReader(
        receiver, "slack", client=SlackClient(config.url, token), channel_id=config.channel
    )
