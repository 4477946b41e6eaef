"""A page's incident followed along the contract's escalation levels, through the
PagerDuty reader of its receiver (the incident's log entries and its service's
escalation policy, as PagerDuty's REST API shows them).

`acknowledge: never`: nobody answers. Each level must be notified in order, every
person on it no earlier than the level's `after` and no later than its `within`
(both from the incident's trigger); a person the log never shows notified fails
the level, naming who the service's policy puts on it ("nobody" for a level left
empty). `at_once`: `Acknowledger` acknowledges the incident as soon as it opens,
as level 1's first person would; level 1 must still be notified, and no one may be
notified after the acknowledgement until the last level's `within` has passed.

The fault is held while the ladder is followed: the phase waits until the last
level's `within` (and a second) after the trigger, then reads the log once."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from harness import clock
from harness.contract import EscalationLevel
from harness.drill import EscalationExpectation
from harness.errors import HarnessError
from harness.events import EventKind
from harness.polling import wait_until
from harness.results import Check
from harness.timeline import Timeline
from remediation.drill_run import DrillScope
from remediation.monitoring import Monitoring
from remediation.outcome import PhaseOutcome
from remediation.receivers import IncidentTrail, PagerDutyServiceReader

log = logging.getLogger("pagerdrill.escalation")

SETTLE_S = 1.0
"""Read the log this long after the last level's `within`: an entry due at the
deadline is written by then."""
ACKNOWLEDGER_TIMEOUT_S = 600.0
EARLY_TOLERANCE_S = 0.5
"""A level notified this much before its `after` still counts (clocks, rounding)."""


def email_of(person: str) -> str:
    """The acting user's e-mail for PagerDuty's `From` header."""
    return f"{person}@pagerdrill.invalid"


@dataclass
class Acknowledger:
    """Acknowledges the alert's first incident since `since` as soon as it shows,
    polling in a thread until closed."""

    reader: PagerDutyServiceReader
    alert: str
    person: str
    since: float
    interval: float = 0.25
    acknowledged_at: float | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Acknowledger:
        self._thread = threading.Thread(target=self._run, name="acknowledger", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        try:
            wait_until(
                self._acknowledged_or_stopped,
                ACKNOWLEDGER_TIMEOUT_S,
                self.interval,
                expected=f"an incident for {self.alert} to acknowledge",
                where=self.reader.receiver,
            )
        except HarnessError as exc:  # none opened: the escalation checks say so
            log.debug("acknowledging %s: %s", self.alert, exc)

    def _acknowledged_or_stopped(self) -> bool:
        if self._stop.is_set():
            return True
        trail = self.reader.incident(self.alert, self.since)
        if trail is None:
            return False
        self.reader.acknowledge(trail.incident_id, email_of(self.person))
        self.acknowledged_at = clock.now()
        return True


@dataclass(frozen=True)
class Ladder:
    """A drill's `expect.escalation` with what it needs: the contract's levels for
    the alert's priority and the reader of the receiver's incident system."""

    expectation: EscalationExpectation
    levels: tuple[EscalationLevel, ...]
    reader: PagerDutyServiceReader
    deadline_s: float
    """The alert's detection deadline: its incident must be open by then."""

    def acknowledger(self, since: float) -> Acknowledger:
        first = self.levels[0].notify[0]
        return Acknowledger(self.reader, self.expectation.alert, first, since)

    def follow(self, fault_at: float, timeline: Timeline) -> PhaseOutcome:
        """Follow the alert's incident until the last level's `within` has passed,
        then check the ladder (the fault stays in place meanwhile)."""
        wanted, reader = self.expectation, self.reader
        name = f"{wanted.alert} opened an incident on {wanted.receiver}"
        try:
            trail = wait_until(
                lambda: reader.incident(wanted.alert, fault_at),
                self.deadline_s,
                interval=0.5,
                expected=f"an incident for {wanted.alert}",
                where=wanted.receiver,
            )
        except HarnessError as exc:
            return PhaseOutcome((Check(name, False, str(exc)),))
        clock.sleep(trail.triggered_at + self.levels[-1].within + SETTLE_S - clock.now())
        trail = reader.incident(wanted.alert, fault_at) or trail
        _record(trail, timeline)
        checks = [Check(name, True, f"incident {trail.incident_id}")]
        if wanted.acknowledge == "never":
            checks += [level_check(trail, level) for level in self.levels]
        else:
            checks += [level_check(trail, self.levels[0]), stopped_check(trail, self.levels[-1])]
        return PhaseOutcome(tuple(checks))


def escalation_of(scope: DrillScope, monitoring: Monitoring) -> Ladder | None:
    """The drill's ladder to follow, if it expects one (validated: the alert is
    expected, its priority has levels, its receiver a PagerDuty reader)."""
    wanted = scope.drill.expect.escalation
    contract = scope.settings.contract
    if wanted is None or contract is None:
        return None
    alert = next(a for a in scope.alerts if a.name == wanted.alert)
    reader = monitoring.readers.incidents(wanted.receiver)
    if reader is None:
        raise scope.valid.source.error(
            ("expect", "escalation", "receiver"), f"no PagerDuty reader reads {wanted.receiver}"
        )
    levels = tuple(contract.priorities[alert.priority].escalation)
    return Ladder(wanted, levels, reader, alert.within)


def level_check(trail: IncidentTrail, level: EscalationLevel) -> Check:
    """Every person of the level notified within the level's window."""
    name = (
        f"escalation level {level.level} ({', '.join(level.notify)}) notified "
        f"{level.after:g}-{level.within:g} s after the trigger"
    )
    problems, latest = [], 0.0
    for person in level.notify:
        entry = trail.first("notify", person)
        if entry is None:
            on_level = (
                trail.policy_levels[level.level - 1]
                if level.level <= len(trail.policy_levels)
                else ()
            )
            problems.append(
                f"{person} was not notified (the service's policy has on level {level.level}: "
                f"{', '.join(on_level) or 'nobody'})"
            )
            continue
        after_s = entry.at - trail.triggered_at
        latest = max(latest, after_s)
        if not level.after - EARLY_TOLERANCE_S <= after_s <= level.within:
            problems.append(f"{person} was notified {after_s:.1f} s after the trigger")
    resolved = trail.first("resolve")
    if problems and resolved is not None:
        problems.append(f"the incident was resolved {resolved.at - trail.triggered_at:.1f} s in")
    if problems:
        return Check(name, False, "; ".join(problems), deadline_s=level.within)
    return Check(name, True, "notified", measured_s=latest, deadline_s=level.within)


def stopped_check(trail: IncidentTrail, last: EscalationLevel) -> Check:
    """Nobody notified after the acknowledgement (up to the last level's `within`)."""
    name = "escalation stopped at the acknowledgement"
    acknowledged = trail.first("acknowledge")
    if acknowledged is None:
        return Check(name, False, "the incident was never acknowledged")
    since = acknowledged.at - trail.triggered_at
    later = [
        e
        for e in trail.log
        if e.type == "notify" and acknowledged.at < e.at <= trail.triggered_at + last.within
    ]
    if later:
        shown = ", ".join(f"{e.who} at {e.at - trail.triggered_at:.1f} s" for e in later)
        return Check(
            name,
            False,
            f"escalation went on after the acknowledgement at {since:.1f} s: {shown}",
        )
    return Check(name, True, f"acknowledged {since:.1f} s after the trigger; nobody notified after")


def _record(trail: IncidentTrail, timeline: Timeline) -> None:
    for entry in trail.log:
        if entry.type in ("notify", "escalate", "acknowledge", "unacknowledge"):
            timeline.record(
                EventKind.ESCALATION,
                at=entry.at,
                receiver=trail.receiver,
                step=entry.type,
                who=entry.who,
                after_s=round(entry.at - trail.triggered_at, 3),
            )
