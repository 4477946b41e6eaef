"""Stage maps of a drill's result: the deadline and the detection floor of every
MTTD/MTTR stage, under the same keys (harness/stages.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.drill import AlertContract, Drill
from harness.stages import Stage, StageKind
from remediation.detection import DetectionFloor, read_floors
from remediation.monitoring import Monitoring

FAILOVER_PRIMARY = Stage(StageKind.FAILOVER, "primary")
FAILOVER_WRITES = Stage(StageKind.FAILOVER, "writes")


def detection_floors(
    alerts: Sequence[AlertContract], monitoring: Monitoring
) -> dict[str, DetectionFloor]:
    if not alerts:
        return {}
    return read_floors(list(alerts), monitoring.prometheus, monitoring.alertmanager)


def deadline_stages(drill: Drill, alerts: Sequence[AlertContract]) -> dict[str, float]:
    stages: dict[Stage, float] = {}
    for alert in alerts:
        stages[Stage(StageKind.FIRING, alert.name)] = alert.within
        stages.update({Stage.notified(alert.name, r): alert.within for r in alert.receivers})
    recovery = drill.expect.recovery
    if recovery.restart is not None:
        stages[Stage(StageKind.RESTART, recovery.restart.workload)] = recovery.restart.within
    if recovery.scale is not None:
        stages[Stage(StageKind.SCALED, recovery.scale.workload)] = recovery.scale.within
    if recovery.failover is not None:
        stages[FAILOVER_PRIMARY] = stages[FAILOVER_WRITES] = recovery.failover.within
    stages.update({Stage(StageKind.CONDITION, c.name): c.within for c in recovery.conditions})
    green = recovery.journeys_green
    if green is not None:
        stages[Stage(StageKind.JOURNEY, str(green.journey))] = green.within
    return {stage.key: seconds for stage, seconds in stages.items()}


def floor_stages(
    alerts: Sequence[AlertContract], floors: Mapping[str, DetectionFloor]
) -> dict[str, float]:
    """The floors under the same stage keys as the MTTDs they bound."""
    stages: dict[Stage, float] = {}
    for alert in alerts:
        floor = floors.get(alert.name)
        if floor is None:
            continue
        stages[Stage(StageKind.FIRING, alert.name)] = floor.firing_s
        for receiver in alert.receivers:
            notified = floor.notified_s(receiver)
            if notified is not None:
                stages[Stage.notified(alert.name, receiver)] = notified
    return {stage.key: seconds for stage, seconds in stages.items()}


def window_stages(
    alerts: Sequence[AlertContract], floors: Mapping[str, DetectionFloor]
) -> dict[str, float]:
    """The range window each alert's rule reads, under its firing stage's key."""
    return {
        Stage(StageKind.FIRING, a.name).key: floors[a.name].window_s
        for a in alerts
        if a.name in floors and floors[a.name].window_s > 0
    }


def floor_text(floor: DetectionFloor, alert: AlertContract) -> str:
    notified = [floor.notified_s(r) for r in alert.receivers]
    slowest = max((n for n in notified if n is not None), default=floor.firing_s)
    return f"firing {floor.firing_s:g} s, notified {slowest:g} s"
