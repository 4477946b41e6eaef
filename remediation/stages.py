"""Stage maps of a drill's result: the deadline and the detection floor of every
MTTD/MTTR stage, under the same keys (`firing.<alert>`, `notified.<alert>.<receiver>`,
`restart.<workload>` ...)."""

from __future__ import annotations

from harness.clients import AlertmanagerClient, PrometheusClient
from harness.drill import AlertContract, Drill
from harness.settings import Settings
from remediation.detection import DetectionFloor, read_floors


def detection_floors(alerts: list[AlertContract], settings: Settings) -> dict[str, DetectionFloor]:
    if not alerts:
        return {}
    with (
        PrometheusClient(settings.target.prometheus.url) as prometheus,
        AlertmanagerClient(settings.target.alertmanager.url) as alertmanager,
    ):
        return read_floors(alerts, prometheus, alertmanager)


def deadline_stages(drill: Drill, alerts: list[AlertContract]) -> dict[str, float]:
    stages: dict[str, float] = {}
    for alert in alerts:
        stages[f"firing.{alert.name}"] = alert.within
        stages.update({f"notified.{alert.name}.{r}": alert.within for r in alert.receivers})
    recovery = drill.expect.recovery
    if recovery.restart is not None:
        stages[f"restart.{recovery.restart.workload}"] = recovery.restart.within
    if recovery.scale is not None:
        stages[f"scaled.{recovery.scale.workload}"] = recovery.scale.within
    if recovery.failover is not None:
        stages["failover.primary"] = stages["failover.writes"] = recovery.failover.within
    stages.update({f"condition.{c.name}": c.within for c in recovery.conditions})
    if recovery.journeys_green is not None:
        stages[f"journey.{recovery.journeys_green.journey}"] = recovery.journeys_green.within
    return stages


def floor_stages(
    alerts: list[AlertContract], floors: dict[str, DetectionFloor]
) -> dict[str, float]:
    """The floors under the same stage names as the MTTDs they bound."""
    stages: dict[str, float] = {}
    for alert in alerts:
        floor = floors.get(alert.name)
        if floor is None:
            continue
        stages[f"firing.{alert.name}"] = floor.firing_s
        for receiver in alert.receivers:
            notified = floor.notified_s(receiver)
            if notified is not None:
                stages[f"notified.{alert.name}.{receiver}"] = notified
    return stages


def floor_text(floor: DetectionFloor, alert: AlertContract) -> str:
    notified = [floor.notified_s(r) for r in alert.receivers]
    slowest = max((n for n in notified if n is not None), default=floor.firing_s)
    return f"firing {floor.firing_s:g} s, notified {slowest:g} s"
