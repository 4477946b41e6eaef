"""Steady state, before the fault and after its revert: no expected alert active, none
that would inhibit one, their inputs quiet, their Alertmanager groups flushed, the
journeys green."""

from __future__ import annotations

from collections.abc import Mapping

from harness import clock
from harness.clients import Notification
from harness.drill import Drill
from harness.errors import HarnessError
from harness.events import EventKind
from harness.polling import wait_until
from harness.results import Check
from harness.timeline import Timeline
from remediation.detection import DetectionFloor
from remediation.drill_run import DrillScope
from remediation.inhibition import Inhibitors
from remediation.monitoring import Monitoring
from remediation.outcome import PhaseOutcome
from remediation.prober import JourneyProber
from remediation.quiet_inputs import await_quiet_inputs, last_disturbance


def await_steady_state(
    scope: DrillScope,
    floors: Mapping[str, DetectionFloor],
    monitoring: Monitoring,
    prober: JourneyProber,
) -> dict[str, DetectionFloor]:
    """No expected alert active anywhere (a previous drill's may linger), no active
    alert that would inhibit one (remediation/inhibition.py), their inputs quiet
    (remediation/quiet_inputs.py), their Alertmanager groups flushed, journeys green.
    Returns the detection floors the drill is held to (raised where a group's memory
    could not be waited out)."""
    drill, timeline = scope.drill, scope.timeline
    names = [a.name for a in scope.alerts]
    timeout = drill.steady_state_timeout
    prometheus, alertmanager = monitoring.prometheus, monitoring.alertmanager

    must_be_quiet = [*names, *drill.expect.inhibited]  # the inhibited must fire anew too

    def quiet() -> bool:
        return not prometheus.active_alerts(must_be_quiet) and not any(
            alertmanager.active_alerts(n) for n in must_be_quiet
        )

    wait_until(
        quiet,
        timeout,
        interval=0.5,
        expected=f"no active {', '.join(must_be_quiet)}",
        where="Prometheus and Alertmanager",
        hint="the platform is not at steady state; a previous fault may not have healed",
    )
    await_no_inhibitors(scope, monitoring, must_be_quiet)
    await_quiet_inputs(
        prometheus,
        prometheus.rules(),
        names,
        timeout,
        timeline,
        margin=drill.quiet_margin,
        disturbed_at=last_disturbance(scope.settings.state_dir),
    )
    floors = await_groups_cleared(drill, floors, monitoring, timeline)
    now = clock.now()
    for journey in drill.journeys:
        prober.first_recovered(journey, since=now, timeout=timeout)
    return floors


def await_no_inhibitors(scope: DrillScope, monitoring: Monitoring, names: list[str]) -> None:
    """Until no active alert would hold back one of `names`. The timeline names the
    ones waited for; if they outlast the steady-state timeout the drill goes on
    (recorded as not waited out) and its checks show what the inhibition cost it:
    an inhibition that holds back a P0 is the platform's fault, not the drill's."""
    if not names:
        return
    inhibitors = Inhibitors.read(monitoring, names)
    if not inhibitors.rules:
        return
    seen: set[str] = set()

    def none_active() -> bool:
        holding = inhibitors.holding_back(monitoring.alertmanager.all_alerts())
        seen.update(holding)
        return not holding

    waited_out = True
    try:
        wait_until(
            none_active,
            scope.drill.steady_state_timeout,
            interval=0.5,
            expected="no active alert that would inhibit the drill's alerts",
            where="Alertmanager",
        )
    except HarnessError:
        waited_out = False
    if seen:
        scope.timeline.record(
            EventKind.INHIBITORS_AWAITED, alerts=sorted(seen), waited_out=waited_out
        )


def await_groups_cleared(
    drill: Drill,
    floors: Mapping[str, DetectionFloor],
    monitoring: Monitoring,
    timeline: Timeline,
) -> dict[str, DetectionFloor]:
    """Alertmanager keeps an alert's aggregation group until the flush after it
    resolved; a new alert joining it is notified at the group's next flush
    (`group_interval`), not after `group_wait`. Wait until, for every expected alert,
    either the last notification each read-back receiver got is the resolution or a
    `group_interval` old, or (receivers not read back) Prometheus has not had it
    firing for a `group_interval` and two evaluations. If that takes longer than
    the steady-state timeout, the floors account for `group_interval` instead (and
    the timeline says so)."""
    names = dict(floors)
    if not names:
        return names
    longest = max(f.group_interval_s() for f in names.values())
    readers, prometheus = monitoring.readers, monitoring.prometheus

    def cleared_by_receivers(name: str, recent: list[Notification]) -> bool:
        last = {n.receiver: n for n in recent if n.alertname == name}
        interval = names[name].group_interval_s()
        return all(n.status == "resolved" for n in last.values()) or all(
            clock.now() - n.received_at >= interval for n in last.values()
        )

    def cleared_in_prometheus(name: str) -> bool:
        floor, now = names[name], clock.now()
        quiet_s = floor.group_interval_s() + 2 * floor.evaluation_interval_s
        return not prometheus.alert_samples(name, "firing", now - quiet_s, now)

    def cleared() -> bool:
        recent = readers.notifications(list(names), since=clock.now() - longest - 1)
        return all(
            cleared_by_receivers(name, recent)
            if all(readers.reads(r.receiver) for r in floor.routes)
            else cleared_in_prometheus(name)
            for name, floor in names.items()
        )

    try:
        wait_until(
            cleared,
            drill.steady_state_timeout,
            interval=0.5,
            expected="Alertmanager's groups of the expected alerts flushed",
            where="the receivers and Prometheus",
        )
    except HarnessError:
        timeline.record(EventKind.ALERTMANAGER_GROUP_MEMORY, alerts=sorted(names))
        return {name: floor.with_group_memory() for name, floor in names.items()}
    return names


def check_steady_state_again(drill: Drill, prober: JourneyProber) -> PhaseOutcome:
    now, checks = clock.now(), []
    for journey in drill.journeys:
        name = f"{journey} journey green after the fault was reverted"
        try:
            prober.first_recovered(journey, since=now, timeout=drill.steady_state_timeout)
        except HarnessError as exc:
            checks.append(Check(name, False, str(exc)))
        else:
            checks.append(Check(name, True, "steady state restored"))
    return PhaseOutcome(tuple(checks))
