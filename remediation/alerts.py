"""Watching a drill's alerts: Prometheus' evaluations, Alertmanager's routing and
delivery, and what the receivers' own systems got. Every time comes from the
platform's own records (rule evaluations, Alertmanager, the receiving systems),
except a delivery's, which is when a poll of Alertmanager's counters first saw it.
The checks on what was observed are in remediation/alert_checks.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import pairwise

from harness import clock
from harness.clients import (
    AlertmanagerClient,
    AlertSample,
    Notification,
    PrometheusClient,
)
from harness.clients.alertmanager import NotificationCounts
from harness.drill import AlertContract
from harness.errors import WaitTimeout
from harness.events import EventKind
from harness.polling import timed_check, wait_until
from harness.receivers import EvidenceTier
from harness.results import Check
from harness.stages import Stage, StageKind
from harness.timeline import Timeline
from remediation.receivers import ReceiverReaders


@dataclass(frozen=True)
class Delivery:
    """Alertmanager's notification requests to one receiver since the watcher began,
    just before the fault (its metrics count per receiver, not per alert)."""

    requests: int
    failed: int
    ok_at: float | None
    """When a poll first saw a request that did not fail, once this alert was routed
    to the receiver (None: not routed there, or no such request yet)."""


@dataclass(frozen=True)
class AlertObservation:
    expectation: AlertContract
    fault_at: float
    pending: AlertSample | None
    firing: AlertSample | None
    notifications: tuple[Notification, ...]
    """What the receivers' own systems got (the `received` tier)."""
    in_alertmanager_at: float | None = None
    """When Alertmanager received the alert (its `updatedAt` at first sight)."""
    routed: Mapping[str, float] = field(default_factory=dict)
    """Receiver -> when Alertmanager's API first listed it among the alert's receivers."""
    deliveries: Mapping[str, Delivery] | None = None
    """Receiver -> its delivery; None: Alertmanager does not count per receiver."""
    read: frozenset[str] = frozenset()
    """The receivers a reader reads back (others cannot show `received`)."""

    def first_notified(self) -> dict[str, Notification]:
        first: dict[str, Notification] = {}
        for n in sorted(self.notifications, key=lambda n: n.received_at):
            first.setdefault(n.receiver, n)
        return first

    def proven_at(self, receiver: str, tier: EvidenceTier) -> float | None:
        """When `receiver` was shown to have the alert at `tier`, if it was."""
        if tier is EvidenceTier.RECEIVED:
            got = self.first_notified().get(receiver)
            return None if got is None else got.received_at
        if tier is EvidenceTier.DELIVERED:
            delivery = (self.deliveries or {}).get(receiver)
            return None if delivery is None else delivery.ok_at
        return self.routed.get(receiver)

    def strongest(self, receiver: str) -> EvidenceTier | None:
        proven = [t for t in EvidenceTier if self.proven_at(receiver, t) is not None]
        return max(proven, key=lambda t: t.rank, default=None)

    def needed(self, receiver: str) -> list[EvidenceTier]:
        """Every tier up to the one the receiver's check requires, that this
        Alertmanager can show (delivery only where it counts per receiver)."""
        required = self.expectation.required(receiver)
        return [
            t
            for t in EvidenceTier
            if t <= required and (t is not EvidenceTier.DELIVERED or self.deliveries is not None)
        ]

    def unproven(self, receiver: str) -> EvidenceTier | None:
        """The weakest needed tier not shown yet, if any."""
        return next((t for t in self.needed(receiver) if self.proven_at(receiver, t) is None), None)


@dataclass
class AlertWatcher:
    """Watches one drill's alerts: Prometheus' evaluations, Alertmanager's routing and
    delivery counters, and what the receivers' own systems got. Create it before
    the fault: the delivery counters are counted from then."""

    prometheus: PrometheusClient
    alertmanager: AlertmanagerClient
    readers: ReceiverReaders
    by_receiver_metrics: bool
    watched: tuple[str, ...] = ()
    """Every alert the drill expects: each poll notes them all in Alertmanager, so an
    alert awaited second still gets its first sighting while the first is awaited."""
    _received: dict[str, float] = field(default_factory=dict)
    _routed: dict[tuple[str, str], float] = field(default_factory=dict)
    _successes: dict[str, list[tuple[float, int]]] = field(default_factory=dict)
    """Receiver -> (poll time, requests to it that did not fail) at each poll."""
    _baseline: NotificationCounts | None = None

    def __post_init__(self) -> None:
        if self.by_receiver_metrics:
            self._baseline = self.alertmanager.notification_counts()

    def _note_alertmanager(self, name: str, since: float) -> None:
        """Alertmanager re-stamps `updatedAt` at every resend from Prometheus: only the
        first sighting tells when it first held the alert."""
        now = clock.now()
        alerts = self.alertmanager.active_alerts(name)
        for receiver in {r["name"] for a in alerts for r in a.get("receivers") or []}:
            self._routed.setdefault((name, receiver), now)
        if name in self._received:
            return
        stamps = [clock.parse_iso(a["updatedAt"]) for a in alerts]
        stamps = [s for s in stamps if s >= since]
        if stamps:
            self._received[name] = min(stamps)

    def _deliveries(self, routed: Mapping[str, float]) -> dict[str, Delivery] | None:
        """Each receiver's requests since the watcher began; a success counts for the
        alert only after Alertmanager routed the alert to that receiver."""
        if self._baseline is None:
            return None
        counts, now = self.alertmanager.notification_counts(), clock.now()
        if not counts.by_receiver:
            return None
        deliveries = {}
        for receiver in counts.total:
            requests, failed = counts.since(self._baseline, receiver)
            polls = self._successes.setdefault(receiver, [])
            polls.append((now, requests - failed))
            if requests:
                at = routed.get(receiver)
                ok_at = None if at is None else first_success_since(polls, at)
                deliveries[receiver] = Delivery(requests, failed, ok_at)
        return deliveries

    def observe(self, expectation: AlertContract, fault_at: float) -> AlertObservation:
        name, end = expectation.name, clock.now()
        pending = self.prometheus.alert_samples(name, "pending", fault_at, end)
        firing = self.prometheus.alert_samples(name, "firing", fault_at, end)
        received = tuple(
            n for n in self.readers.notifications([name], since=fault_at) if n.status == "firing"
        )
        routed = {r: at for (alert, r), at in self._routed.items() if alert == name}
        read = frozenset(r for r in {*expectation.receivers, *routed} if self.readers.reads(r))
        return AlertObservation(
            expectation,
            fault_at,
            pending[0] if pending else None,
            firing[0] if firing else None,
            received,
            self._received.get(name),
            routed,
            self._deliveries(routed),
            read,
        )

    def await_alert(self, expectation: AlertContract, fault_at: float) -> AlertObservation:
        """Wait until the alert fired and every expected receiver shows the evidence
        its check needs, or the deadline passed; then a short grace for notifications
        that must NOT come."""

        def complete() -> AlertObservation | None:
            for name in {expectation.name, *self.watched}:
                self._note_alertmanager(name, fault_at)
            seen = self.observe(expectation, fault_at)
            done = seen.firing and all(seen.unproven(r) is None for r in expectation.receivers)
            return seen if done else None

        with suppress(WaitTimeout):  # the deadline passing is a verdict, told by the checks
            wait_until(
                complete,
                clock.left_until(fault_at, expectation.within),
                expected=f"{expectation.name} firing and notified",
                where="Prometheus",
                interval=0.25,
            )
        clock.sleep(expectation.notification_grace)
        self._note_alertmanager(expectation.name, fault_at)
        return self.observe(expectation, fault_at)

    def await_resolved(
        self, observation: AlertObservation, recovered_at: float, timeline: Timeline
    ) -> Check:
        """The alert is inactive in Prometheus and every receiver it reached that a
        reader reads got a resolved notification, within `resolve_within` of recovery."""
        expectation = observation.expectation
        deadline_s = expectation.resolve_within
        assert deadline_s is not None
        name = f"{expectation.name} resolved within {deadline_s:g} s of recovery"
        reached = set(observation.first_notified())

        def resolved() -> list[Notification] | None:
            if self.prometheus.active_alerts([expectation.name]):
                return None
            done = [
                n
                for n in self.readers.notifications([expectation.name], observation.fault_at)
                if n.status == "resolved"
            ]
            return done if reached <= {n.receiver for n in done} else None

        done = timed_check(
            name,
            deadline_s,
            lambda: wait_until(
                resolved,
                clock.left_until(recovered_at, deadline_s),
                expected=f"{expectation.name} resolved",
                where="Prometheus and the receivers",
            ),
            lambda exc: (
                f"{expectation.name} not resolved within {deadline_s:g} s "
                f"of recovery; last seen: {exc.last_seen}"
            ),
        )
        if isinstance(done, Check):
            return done
        last = max((n.received_at for n in done), default=clock.now())
        for n in done:
            timeline.record(
                EventKind.NOTIFICATION_RESOLVED,
                at=n.received_at,
                alert=n.alertname,
                receiver=n.receiver,
                channel=n.channel,
            )
        told = (
            f"resolved notifications to {', '.join(sorted(reached))}"
            if reached
            else "inactive in Prometheus (no receiver is read back)"
        )
        return Check(name, True, told, max(last, recovered_at) - recovered_at, deadline_s)


def first_success_since(polls: Sequence[tuple[float, int]], routed_at: float) -> float | None:
    """When a poll first saw a new successful request to a receiver once the alert was
    routed to it, from (poll time, successes so far) at each poll. Alertmanager counts
    per receiver, not per alert: the successes polled before the routing were another
    alert's (a previous drill's resolved notification, say). It counts a request, then
    (a moment later) its failure: a success is taken only when the next poll still
    shows it."""
    base = next((ok for at, ok in reversed(polls) if at < routed_at), 0)
    after = [(at, ok) for at, ok in polls if at >= routed_at]
    for (at, ok), (_, still) in pairwise(after):
        if ok > base and still > base:
            return at
    return None


def record_observation(observation: AlertObservation, timeline: Timeline) -> None:
    name = observation.expectation.name
    if observation.pending is not None:
        timeline.record(EventKind.ALERT_PENDING, at=observation.pending.at, alert=name)
    if observation.firing is not None:
        timeline.record(
            EventKind.ALERT_FIRING,
            at=observation.firing.at,
            alert=name,
            priority=observation.firing.labels.get("priority"),
        )
    if observation.in_alertmanager_at is not None:
        timeline.record(
            EventKind.ALERT_IN_ALERTMANAGER, at=observation.in_alertmanager_at, alert=name
        )
    for n in observation.notifications:
        timeline.record(
            EventKind.NOTIFICATION_FIRING,
            at=n.received_at,
            alert=name,
            receiver=n.receiver,
            channel=n.channel,
            priority=n.priority,
        )


def detection_stages(observation: AlertObservation) -> dict[Stage, float]:
    """MTTD per stage, in seconds from the fault: pending and firing (Prometheus' own
    evaluations), in Alertmanager, and each receiver's first notification."""
    name, fault_at = observation.expectation.name, observation.fault_at
    seen = {
        StageKind.PENDING: None if observation.pending is None else observation.pending.at,
        StageKind.FIRING: None if observation.firing is None else observation.firing.at,
        StageKind.ALERTMANAGER: observation.in_alertmanager_at,
    }
    stages = {Stage(kind, name): at - fault_at for kind, at in seen.items() if at is not None}
    for receiver, n in observation.first_notified().items():
        stages[Stage.notified(name, receiver)] = n.received_at - fault_at
    for receiver in observation.expectation.receivers:  # at the evidence its check needs
        at = observation.proven_at(receiver, observation.expectation.required(receiver))
        if at is not None:
            stages[Stage.notified(name, receiver)] = at - fault_at
    return stages
