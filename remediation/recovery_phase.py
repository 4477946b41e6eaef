"""The recovery phase: observers started before the fault (restart baseline, the
data probe), then every recovery expectation awaited, each a check with its MTTR
stage."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass

from chaos.platform import DatabasePrimary, Platform
from harness.clients import PrometheusClient
from harness.errors import InfrastructureError
from harness.events import EventKind
from harness.stages import Stage, StageKind
from remediation.data_probe import ProbeWriter
from remediation.drill_run import DrillScope
from remediation.failover import FailoverWatch, check_failover
from remediation.outcome import PhaseOutcome
from remediation.prober import JourneyProber
from remediation.recovery import (
    check_condition,
    check_journeys_green,
    check_restart,
    check_scaled_out,
)
from remediation.recovery import (
    check_scaled_in as _scaled_in,
)
from remediation.stages import FAILOVER_PRIMARY, FAILOVER_WRITES


@dataclass(frozen=True)
class Observers:
    """What recovery is measured with, started before the fault."""

    prober: JourneyProber
    prometheus: PrometheusClient
    baseline_restarts: int
    failover: FailoverWatch | None


def start_observers(
    scope: DrillScope,
    platform: Platform,
    stack: ExitStack,
    prober: JourneyProber,
    prometheus: PrometheusClient,
) -> Observers:
    recovery = scope.drill.expect.recovery
    baseline = platform.restart_count(recovery.restart.workload) if recovery.restart else 0
    failover = None
    probe = scope.settings.target.data_probe
    if recovery.failover is not None and probe is not None:
        if not isinstance(platform, DatabasePrimary):
            raise InfrastructureError(f"the {platform.name} platform names no database primary")
        writer = ProbeWriter(probe, scope.settings.data_probe_password, scope.settings.run_id)
        stack.enter_context(writer).start()
        failover = FailoverWatch(writer, platform.database_primary())
        scope.timeline.record(
            EventKind.OBSERVER_DATA_PROBE, table=probe.table, primary=failover.primary_before
        )
    return Observers(prober, prometheus, baseline, failover)


def await_recovery(
    scope: DrillScope, platform: Platform, observers: Observers, fault_at: float
) -> tuple[PhaseOutcome, float | None]:
    """Every recovery expectation, in order; also when the journey was green again."""
    recovery, timeline, drill = scope.drill.expect.recovery, scope.timeline, scope.drill
    outcomes: list[PhaseOutcome] = []
    recovered_at = None
    if recovery.restart is not None:
        check = check_restart(
            platform, recovery.restart, observers.baseline_restarts, fault_at, timeline
        )
        outcomes.append(PhaseOutcome.of(check, Stage(StageKind.RESTART, recovery.restart.workload)))
    if recovery.scale is not None:
        check = check_scaled_out(platform, recovery.scale, fault_at, timeline)
        outcomes.append(PhaseOutcome.of(check, Stage(StageKind.SCALED, recovery.scale.workload)))
        ends = drill.fault.ends_after(drill.load)
        if ends is not None:  # the fault ends by itself: scale-in is part of recovery
            outcomes.append(check_scaled_in(scope, platform, fault_at + ends))
    if recovery.failover is not None and observers.failover is not None:
        assert isinstance(platform, DatabasePrimary)
        checks = check_failover(platform, observers.failover, recovery.failover, fault_at, timeline)
        stages = (FAILOVER_PRIMARY, FAILOVER_WRITES)
        outcomes.extend(PhaseOutcome.of(c, s) for c, s in zip(checks, stages, strict=False))
        outcomes.extend(PhaseOutcome((c,)) for c in checks[len(stages) :])
    for condition in recovery.conditions:
        check = check_condition(observers.prometheus, condition, fault_at, timeline)
        outcomes.append(PhaseOutcome.of(check, Stage(StageKind.CONDITION, condition.name)))
    if recovery.journeys_green is not None:
        green = recovery.journeys_green
        check, recovered_at = check_journeys_green(observers.prober, green, fault_at, timeline)
        outcomes.append(PhaseOutcome.of(check, Stage(StageKind.JOURNEY, str(green.journey))))
    return PhaseOutcome.merge(outcomes), recovered_at


def check_scaled_in(scope: DrillScope, platform: Platform, stress_ended_at: float) -> PhaseOutcome:
    scale = scope.drill.expect.recovery.scale
    if scale is None:
        return PhaseOutcome()
    check = _scaled_in(platform, scale, stress_ended_at, scope.timeline)
    return PhaseOutcome() if check is None else PhaseOutcome((check,))
