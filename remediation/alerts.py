"""Alert contract checks: the alert fired, at its priority, within its deadline,
reached exactly its receivers, and resolved after recovery. Every time comes from
the platform's own records (Prometheus rule evaluations, sink receive times)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field

from harness import clock
from harness.clients import (
    AlertmanagerClient,
    AlertSample,
    Notification,
    NotificationSinkClient,
    PrometheusClient,
)
from harness.drill import AlertContract
from harness.errors import WaitTimeout
from harness.events import EventKind
from harness.polling import timed_check, wait_until
from harness.results import Check
from harness.stages import Stage, StageKind
from harness.timeline import Timeline


@dataclass(frozen=True)
class AlertObservation:
    expectation: AlertContract
    fault_at: float
    pending: AlertSample | None
    firing: AlertSample | None
    notifications: tuple[Notification, ...]
    in_alertmanager_at: float | None = None
    """When Alertmanager received the alert (its `updatedAt` at first sight)."""

    def first_notified(self) -> dict[str, Notification]:
        first: dict[str, Notification] = {}
        for n in sorted(self.notifications, key=lambda n: n.received_at):
            first.setdefault(n.receiver, n)
        return first


@dataclass
class AlertWatcher:
    prometheus: PrometheusClient
    alertmanager: AlertmanagerClient
    sink: NotificationSinkClient
    _received: dict[str, float] = field(default_factory=dict)

    def _note_alertmanager(self, name: str, since: float) -> None:
        """Alertmanager re-stamps `updatedAt` at every resend from Prometheus: only the
        first sighting tells when it first held the alert."""
        if name in self._received:
            return
        stamps = [clock.parse_iso(a["updatedAt"]) for a in self.alertmanager.active_alerts(name)]
        stamps = [s for s in stamps if s >= since]
        if stamps:
            self._received[name] = min(stamps)

    def observe(self, expectation: AlertContract, fault_at: float) -> AlertObservation:
        name, end = expectation.name, clock.now()
        pending = self.prometheus.alert_samples(name, "pending", fault_at, end)
        firing = self.prometheus.alert_samples(name, "firing", fault_at, end)
        notified = tuple(
            n
            for n in self.sink.notifications(since=fault_at)
            if n.alertname == name and n.status == "firing"
        )
        return AlertObservation(
            expectation,
            fault_at,
            pending[0] if pending else None,
            firing[0] if firing else None,
            notified,
            self._received.get(name),
        )

    def await_alert(self, expectation: AlertContract, fault_at: float) -> AlertObservation:
        """Wait until the alert fired and every expected receiver was notified, or the
        deadline passed; then a short grace for notifications that must NOT come."""

        def complete() -> AlertObservation | None:
            self._note_alertmanager(expectation.name, fault_at)
            seen = self.observe(expectation, fault_at)
            done = seen.firing and set(expectation.receivers) <= set(seen.first_notified())
            return seen if done else None

        with suppress(WaitTimeout):  # the deadline passing is a verdict, told by the checks
            wait_until(
                complete,
                clock.left_until(fault_at, expectation.within),
                expected=f"{expectation.name} firing and notified",
                where="Prometheus",
                interval=0.1,
            )
        clock.sleep(expectation.notification_grace)
        return self.observe(expectation, fault_at)

    def await_resolved(
        self, observation: AlertObservation, recovered_at: float, timeline: Timeline
    ) -> Check:
        """The alert is inactive in Prometheus and every receiver it reached got a
        resolved notification, within `resolve_within` of recovery."""
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
                for n in self.sink.notifications(since=observation.fault_at)
                if n.alertname == expectation.name and n.status == "resolved"
            ]
            return done if reached <= {n.receiver for n in done} else None

        done = timed_check(
            name,
            deadline_s,
            lambda: wait_until(
                resolved,
                clock.left_until(recovered_at, deadline_s),
                expected=f"{expectation.name} resolved",
                where="Prometheus and the sink",
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
        return Check(
            name,
            True,
            f"resolved notifications to {', '.join(sorted(reached))}",
            last - recovered_at,
            deadline_s,
        )


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
    return stages


def alert_checks(observation: AlertObservation) -> list[Check]:
    exp, fault_at = observation.expectation, observation.fault_at
    checks = [_fired(observation), _priority(observation)]
    first = observation.first_notified()
    for receiver in exp.receivers:
        name = f"{exp.name} notified {receiver} within {exp.within:g} s"
        got = first.get(receiver)
        if got is None:
            checks.append(
                Check(
                    name,
                    False,
                    f"{receiver} received no {exp.name} notification "
                    f"within {exp.within:g} s of the fault",
                    None,
                    exp.within,
                )
            )
        else:
            delay = got.received_at - fault_at
            checks.append(
                Check(
                    name,
                    delay <= exp.within,
                    f"{receiver} ({got.channel}) notified {delay:.2f} s after the fault",
                    delay,
                    exp.within,
                )
            )
    checks.append(_no_other_receivers(observation))
    return checks


def _fired(observation: AlertObservation) -> Check:
    exp = observation.expectation
    name = f"{exp.name} fired within {exp.within:g} s"
    if observation.firing is None:
        seen = "it went pending" if observation.pending else "it never went pending either"
        return Check(
            name,
            False,
            f"{exp.name} did not fire within {exp.within:g} s of the fault ({seen})",
            None,
            exp.within,
        )
    delay = observation.firing.at - observation.fault_at
    return Check(
        name,
        delay <= exp.within,
        f"{exp.name} firing {delay:.2f} s after the fault",
        delay,
        exp.within,
    )


def _priority(observation: AlertObservation) -> Check:
    exp = observation.expectation
    name = f"{exp.name} has priority {exp.priority}"
    if observation.firing is None:
        return Check(name, False, f"{exp.name} did not fire, so its priority is unknown")
    actual = observation.firing.labels.get("priority", "<no priority label>")
    if actual != exp.priority:
        return Check(
            name, False, f"{exp.name} fired with priority {actual}, expected {exp.priority}"
        )
    return Check(name, True, f"{exp.name} fired with priority {actual}")


def _no_other_receivers(observation: AlertObservation) -> Check:
    exp = observation.expectation
    name = f"{exp.name} reached no other receivers"
    others = sorted(set(observation.first_notified()) - set(exp.receivers))
    if not others:
        return Check(name, True, f"only {', '.join(exp.receivers)} notified")
    forbidden = [r for r in others if r in exp.not_receivers]
    detail = f"{exp.name} also reached {', '.join(others)}"
    if forbidden:
        detail += f" ({', '.join(forbidden)} must not be notified at {exp.priority})"
    return Check(name, False, detail)
