"""Steady state, before the fault and after its revert: no expected alert active, their
Alertmanager groups flushed, the journeys green."""

from __future__ import annotations

from harness import clock
from harness.clients import AlertmanagerClient, NotificationSinkClient, PrometheusClient
from harness.errors import HarnessError
from harness.polling import wait_until
from harness.results import Check
from remediation.drill_run import DrillRun
from remediation.prober import JourneyProber


def await_steady_state(
    run: DrillRun,
    prometheus: PrometheusClient,
    alertmanager: AlertmanagerClient,
    sink: NotificationSinkClient,
    prober: JourneyProber,
) -> None:
    """No expected alert active anywhere (a previous drill's may linger), their
    Alertmanager groups flushed, journeys green."""
    names = [a.name for a in run.alerts]
    timeout = run.drill.steady_state_timeout

    def quiet() -> bool:
        return not prometheus.active_alerts(names) and not any(
            alertmanager.active_alerts(n) for n in names
        )

    wait_until(
        quiet,
        timeout,
        interval=0.5,
        expected=f"no active {', '.join(names)}",
        where="Prometheus and Alertmanager",
        hint="the platform is not at steady state; a previous fault may not have healed",
    )
    await_groups_cleared(run, sink)
    now = clock.now()
    for journey in run.drill.journeys:
        prober.first_recovered(journey, since=now, timeout=timeout)


def await_groups_cleared(run: DrillRun, sink: NotificationSinkClient) -> None:
    """Alertmanager keeps an alert's aggregation group until the flush after it
    resolved; a new alert joining it is notified at the group's next flush
    (`group_interval`), not after `group_wait`. Wait until the last notification of
    every expected alert is a `group_interval` old, or was the resolution for every
    receiver; if that takes longer than the steady-state timeout, the floors account
    for `group_interval` instead (and the timeline says so)."""
    names = {a.name: run.floors[a.name] for a in run.alerts if a.name in run.floors}
    if not names:
        return
    longest = max(f.group_interval_s() for f in names.values())

    def cleared() -> bool:
        recent = [
            n for n in sink.notifications(since=clock.now() - longest - 1) if n.alertname in names
        ]
        last_by_receiver = {
            (n.alertname, n.receiver): n for n in sorted(recent, key=lambda n: n.received_at)
        }
        return all(n.status == "resolved" for n in last_by_receiver.values()) or all(
            clock.now() - n.received_at >= names[n.alertname].group_interval_s()
            for n in last_by_receiver.values()
        )

    try:
        wait_until(
            cleared,
            run.drill.steady_state_timeout,
            interval=0.5,
            expected="Alertmanager's groups of the expected alerts flushed",
            where="the notification sink",
        )
    except HarnessError:
        for name, floor in names.items():
            run.floors[name] = floor.with_group_memory()
        run.timeline.record("alertmanager.group_memory", alerts=sorted(names))


def check_steady_state_again(run: DrillRun, prober: JourneyProber) -> None:
    now = clock.now()
    for journey in run.drill.journeys:
        name = f"{journey} journey green after the fault was reverted"
        try:
            prober.first_recovered(journey, since=now, timeout=run.drill.steady_state_timeout)
        except HarnessError as exc:
            run.checks.append(Check(name, False, str(exc)))
        else:
            run.checks.append(Check(name, True, "steady state restored"))
