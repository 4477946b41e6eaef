"""The incident tools a P0 must open and close (`expect.war_room`,
`expect.status_page`), read back through the target's readers: the war room from
its Slack workspace (the channel named for the alert, created after the fault; it
is closed when archived, at the time of Slack's `channel_archive` message), the
status-page incident from the status page's API (the incident whose metadata names
the alert; closed when resolved).

Each must open within `opens_within` of the fault (checked while the fault is held)
and close within `closes_within` of the recovery (after the alerts resolved)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from harness import clock
from harness.clients.slack import SlackClient
from harness.clients.statuspage import StatusPageClient
from harness.closing import Closing
from harness.drill import Expectations, IncidentToolExpectation
from harness.errors import HarnessError
from harness.events import EventKind
from harness.polling import wait_until
from harness.results import Check
from harness.settings import Settings
from harness.timeline import Timeline
from remediation.outcome import PhaseOutcome

POLL_S = 0.5
EARLY_S = 1.0
"""An opening stamped up to this long before the fault still counts (Slack's
`created` is whole seconds)."""


@dataclass(frozen=True)
class Opening:
    """One incident's room in a tool: where, when opened, when closed (if yet)."""

    where: str
    opened_at: float
    closed_at: float | None


class Tool(Protocol):
    what: str

    def find(self, alert: str, since: float) -> Opening | None: ...

    def close(self) -> None: ...


@dataclass
class WarRoomTool:
    client: SlackClient
    prefix: str
    what: str = "war room"

    def find(self, alert: str, since: float) -> Opening | None:
        prefix = self.prefix.format(alert=alert.lower())
        found = [
            c
            for c in self.client.channels()
            if c.name.startswith(prefix) and c.created >= since - EARLY_S
        ]
        if not found:
            return None
        channel = min(found, key=lambda c: c.created)
        closed_at = None
        if channel.is_archived:
            history = self.client.history(channel.id, channel.created - EARLY_S)
            archived = [m.ts for m in history if m.subtype == "channel_archive"]
            closed_at = max(archived, default=clock.now())
        return Opening(f"#{channel.name}", channel.created, closed_at)

    def close(self) -> None:
        self.client.close()


@dataclass
class StatusPageTool:
    client: StatusPageClient
    what: str = "status-page incident"

    def find(self, alert: str, since: float) -> Opening | None:
        found = [
            i
            for i in self.client.incidents()
            if (i.metadata.get("alertmanager") or {}).get("alertname") == alert
            and i.created_at >= since - EARLY_S
        ]
        if not found:
            return None
        incident = min(found, key=lambda i: i.created_at)
        return Opening(
            f'{incident.id} "{incident.name}"', incident.created_at, incident.resolved_at
        )

    def close(self) -> None:
        self.client.close()


@dataclass
class Followed:
    tool: Tool
    expectation: IncidentToolExpectation
    opening: Opening | None = None

    def find(self, since: float) -> Opening | None:
        return self.tool.find(self.expectation.alert, since)

    def find_closed(self, since: float) -> Opening | None:
        found = self.find(since)
        return found if found is not None and found.closed_at is not None else None


@dataclass
class IncidentTools(Closing):
    """The drill's expected tools, followed from the fault to their closing."""

    followed: list[Followed] = field(default_factory=list)

    def opened(self, fault_at: float, timeline: Timeline) -> PhaseOutcome:
        checks = []
        for f in self.followed:
            wanted = f.expectation
            name = f"{f.tool.what} for {wanted.alert} opened within {wanted.opens_within:g} s"
            f.opening = _awaited(
                partial(f.find, fault_at),
                fault_at + wanted.opens_within,
                f"a {f.tool.what} for {wanted.alert}",
            )
            if f.opening is None:
                checks.append(
                    Check(
                        name,
                        False,
                        f"no {f.tool.what} for {wanted.alert} was opened within "
                        f"{wanted.opens_within:g} s of the fault",
                        deadline_s=wanted.opens_within,
                    )
                )
                continue
            _record(timeline, f.tool.what, "opened", f.opening.where, f.opening.opened_at)
            delay = max(0.0, f.opening.opened_at - fault_at)  # Slack stamps whole seconds
            checks.append(
                Check(
                    name,
                    delay <= wanted.opens_within,
                    f"{f.opening.where} opened {delay:.1f} s after the fault",
                    delay,
                    wanted.opens_within,
                )
            )
        return PhaseOutcome(tuple(checks))

    def closed(self, recovered_at: float, timeline: Timeline) -> PhaseOutcome:
        checks = []
        for f in self.followed:
            wanted = f.expectation
            name = f"{f.tool.what} for {wanted.alert} closed within {wanted.closes_within:g} s"
            if f.opening is None:
                checks.append(Check(name, False, f"no {f.tool.what} was opened to close"))
                continue
            opening = f.opening
            closed = _awaited(
                partial(f.find_closed, opening.opened_at - EARLY_S),
                recovered_at + wanted.closes_within,
                f"the {f.tool.what} {opening.where} closed",
            )
            if closed is None or closed.closed_at is None:
                checks.append(
                    Check(
                        name,
                        False,
                        f"{opening.where} was still open {wanted.closes_within:g} s after the "
                        "recovery",
                        deadline_s=wanted.closes_within,
                    )
                )
                continue
            _record(timeline, f.tool.what, "closed", closed.where, closed.closed_at)
            delay = max(0.0, closed.closed_at - recovered_at)
            checks.append(
                Check(
                    name,
                    delay <= wanted.closes_within,
                    f"{closed.where} closed {delay:.1f} s after the recovery",
                    delay,
                    wanted.closes_within,
                )
            )
        return PhaseOutcome(tuple(checks))

    def close(self) -> None:
        for f in self.followed:
            f.tool.close()


def _awaited(find: Callable[[], Opening | None], deadline: float, expected: str) -> Opening | None:
    """What `find` shows by `deadline` (a second late still reads it), else None."""
    try:
        return wait_until(
            find,
            max(POLL_S, deadline - clock.now() + EARLY_S),
            POLL_S,
            expected=expected,
            where="the incident tools",
        )
    except HarnessError:
        return None


def _record(timeline: Timeline, tool: str, step: str, where: str, at: float) -> None:
    timeline.record(EventKind.INCIDENT_TOOL, at=at, tool=tool, step=step, where=where)


def incident_tools_of(settings: Settings, expect: Expectations) -> IncidentTools:
    """The tools the drill expects, with their readers (validated: the target has them)."""
    target, secrets = settings.target, settings.receiver_secrets
    followed = []
    if expect.war_room is not None and target.war_room is not None:
        slack = SlackClient(target.war_room.url, secrets["war_room"].get_secret_value())
        followed.append(
            Followed(WarRoomTool(slack, target.war_room.channel_prefix), expect.war_room)
        )
    if expect.status_page is not None and target.status_page is not None:
        page = StatusPageClient(
            target.status_page.url,
            target.status_page.page_id,
            secrets["status_page"].get_secret_value(),
        )
        followed.append(Followed(StatusPageTool(page), expect.status_page))
    return IncidentTools(followed)
