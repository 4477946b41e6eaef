"""Run one drill against a target, phase by phase, and return its result.

Phases, always in this order (DESIGN.md): steady state checked -> observers
started -> load started -> fault injected -> alerts and notifications awaited ->
recovery awaited -> fault reverted -> steady state checked again -> results exported.
Each phase is announced (timeline event `phase`, and the progress line) as it begins.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack, closing
from dataclasses import dataclass, replace

from chaos.adapters import open_platform
from chaos.faults.base import fault_context
from chaos.platform import Platform
from harness import clock
from harness.budget import burned_percent
from harness.clients import AlertmanagerClient, NotificationSinkClient, PrometheusClient
from harness.configfile import SourceMap
from harness.drill import Drill, check_against_target
from harness.errors import ConfigError, GuardRefused, HarnessError, InfrastructureError
from harness.fault_specs import target_of
from harness.results import DrillResult, JourneyWindows
from harness.settings import Settings
from harness.sli import push_drill_slis, push_load_slis
from harness.timeline import Timeline
from journeys.target import JourneyTarget
from remediation.alerts import AlertWatcher, alert_checks, record_observation
from remediation.data_probe import ProbeWriter
from remediation.detection import check_deadlines
from remediation.drill_run import DrillRun, PhaseListener
from remediation.failover import FailoverWatch, check_failover
from remediation.journey_windows import journey_windows
from remediation.load_phase import (
    drill_fault,
    load_checks,
    plan_fault,
    plan_load,
    start_load,
    surge_end,
)
from remediation.prober import JourneyProber
from remediation.recovery import (
    check_condition,
    check_journeys_green,
    check_restart,
    check_scaled_in,
    check_scaled_out,
)
from remediation.stages import deadline_stages, detection_floors, floor_stages, floor_text
from remediation.steady_state import await_steady_state, check_steady_state_again

log = logging.getLogger("pagerdrill.drill")


def run_drill(
    drill: Drill,
    source: SourceMap,
    settings: Settings,
    on_phase: PhaseListener = lambda drill, phase: log.info("%s: %s", drill, phase),
) -> DrillResult:
    """Validate the drill against the target (nothing is touched if that fails), then
    run it::

        drill, source = load_drill(Path("drills/app-crash.drill.yaml"))
        result = run_drill(drill, source, load_settings())
        print(result.verdict, result.failed_checks)
    """
    alerts = check_against_target(drill, source, settings.target, settings.contract)
    run = DrillRun(drill, settings, on_phase, alerts)
    started_at = clock.now()
    error = None
    try:
        run.floors = detection_floors(alerts, settings)
        check_deadlines(source, alerts, run.floors)  # before anything is touched
        _run_phases(run)
    except (ConfigError, GuardRefused):
        raise
    except HarnessError as exc:
        error = f"{type(exc).__name__}: {exc}"
        run.timeline.record("drill.error", error=error)
    result = DrillResult(
        drill=drill.name,
        run_id=settings.run_id,
        target=settings.target.name,
        environment=settings.target.environment,
        started_at=started_at,
        finished_at=clock.now(),
        checks=tuple(run.checks),
        mttd_s=run.mttd_s,
        mttr_s=run.mttr_s,
        events=tuple(run.timeline.events),
        error=error,
        budget_burned_percent=_budget_burned(run),
        journeys=_journey_windows(run),
        load=run.load,
        alerts_seen=run.alerts_seen,
        priorities=tuple(sorted({str(a.priority) for a in run.alerts})),
        floors_s=floor_stages(run.alerts, run.floors),
        deadlines_s=deadline_stages(run.drill, run.alerts),
    )
    return _export(run, result)


def plan_drill(drill: Drill, source: SourceMap, settings: Settings) -> list[str]:
    """What the drill would do, with its targets resolved through the guards; touches
    nothing (`pagerdrill run --dry-run`)."""
    alerts = check_against_target(drill, source, settings.target, settings.contract)
    floors = detection_floors(alerts, settings)
    check_deadlines(source, alerts, floors)
    with (
        closing(open_platform(settings.target.platform)) as platform,
        fault_context(settings, platform, Timeline()) as faults,
    ):
        steps = plan_fault(drill, faults)
    lines = [f"journeys probed: {', '.join(drill.journeys) or 'none'}", *plan_load(drill, settings)]
    lines += [f"fault {drill.fault.kind}: {step}" for step in steps]
    lines += [
        f"expect {a.name} at {a.priority} within {a.within:g} s to {', '.join(a.receivers)}"
        + (f" (from the contract: {', '.join(a.from_contract)})" if a.from_contract else "")
        + (f"; floor {floor_text(floors[a.name], a)}" if a.name in floors else "")
        for a in alerts
    ]
    lines.append("dry run: nothing was touched")
    return lines


def _run_phases(run: DrillRun) -> None:
    target, drill = run.settings.target, run.drill
    with ExitStack() as stack:
        platform = stack.enter_context(closing(open_platform(target.platform)))
        faults = stack.enter_context(fault_context(run.settings, platform, run.timeline))
        # Targets resolved through the guards before anything starts: a refusal touches nothing.
        run.timeline.record("fault.planned", steps=plan_fault(drill, faults))
        load = start_load(drill, run.settings, run.timeline)  # refused here if not allowed
        prometheus = PrometheusClient(target.prometheus.url)
        stack.callback(prometheus.close)
        alertmanager = AlertmanagerClient(target.alertmanager.url)
        stack.callback(alertmanager.close)
        if target.notification_sink is None:
            raise InfrastructureError("the target names no notification_sink to check receivers on")
        sink = NotificationSinkClient(target.notification_sink.url)
        stack.callback(sink.close)
        prober = stack.enter_context(
            JourneyProber(
                drill.journeys,
                JourneyTarget.from_settings(run.settings),
                run.settings.chromium,
                run.timeline,
            )
        )

        run.phase("checking steady state")
        await_steady_state(run, prometheus, alertmanager, sink, prober)
        run.phase("starting observers")
        observers = _start_observers(run, platform, stack, prober, prometheus)
        if load is None:
            run.phase("starting load (none in this drill)")
        else:
            run.phase(f"starting load ({load.spec.shape.kind} shape)")
            stack.enter_context(load)
            first = load.spec.shape.tick(0.0)
            load.wait_for_users(first[0] if first else 1, timeout=60)
        watcher = AlertWatcher(prometheus, alertmanager, sink)
        run.phase(f"injecting fault {drill.fault.kind} on {target_of(drill.fault)}")
        with drill_fault(drill, faults, load, run.timeline) as fault_at:
            run.phase("awaiting alerts and notifications")
            observations = [watcher.await_alert(exp, fault_at) for exp in run.alerts]
            for observation in observations:
                record_observation(observation, run.timeline)
                run.checks.extend(alert_checks(observation))
                _record_mttd(run, observation.expectation.name, fault_at)
            run.phase("awaiting recovery")
            recovered_at = _await_recovery(run, platform, observers, fault_at)
            if load is not None:
                run.phase("stopping load")
                run.load = load.stop()
                run.checks.extend(load_checks(drill.expect.load, run.load))
            run.phase("reverting fault")
        if drill.expect.recovery.scale is not None and surge_end(drill, fault_at) is None:
            _check_scaled_in(run, platform, clock.now())
        run.phase("checking steady state again (alerts resolved, journeys green)")
        for observation in observations:
            if observation.expectation.resolve_within is not None:
                run.checks.append(
                    watcher.await_resolved(observation, recovered_at or clock.now(), run.timeline)
                )
        check_steady_state_again(run, prober)
        began = run.timeline.events[0].at if run.timeline.events else clock.now()
        run.alerts_seen = tuple(prometheus.firing_alerts(began, clock.now()))


@dataclass(frozen=True)
class Observers:
    """What recovery is measured with, started before the fault."""

    prober: JourneyProber
    prometheus: PrometheusClient
    baseline_restarts: int
    failover: FailoverWatch | None


def _start_observers(
    run: DrillRun,
    platform: Platform,
    stack: ExitStack,
    prober: JourneyProber,
    prometheus: PrometheusClient,
) -> Observers:
    recovery = run.drill.expect.recovery
    baseline = platform.restart_count(recovery.restart.workload) if recovery.restart else 0
    failover = None
    probe = run.settings.target.data_probe
    if recovery.failover is not None and probe is not None:
        writer = ProbeWriter(probe, run.settings.data_probe_password, run.settings.run_id)
        stack.enter_context(writer).start()
        failover = FailoverWatch(writer, platform.database_primary())
        run.timeline.record(
            "observer.data_probe", table=probe.table, primary=failover.primary_before
        )
    return Observers(prober, prometheus, baseline, failover)


def _await_recovery(
    run: DrillRun, platform: Platform, observers: Observers, fault_at: float
) -> float | None:
    recovery = run.drill.expect.recovery
    prober = observers.prober
    recovered_at = None
    if recovery.restart is not None:
        check = check_restart(
            platform, recovery.restart, observers.baseline_restarts, fault_at, run.timeline
        )
        run.checks.append(check)
        if check.measured_s is not None:
            run.mttr_s[f"restart.{recovery.restart.workload}"] = check.measured_s
    if recovery.scale is not None:
        check = check_scaled_out(platform, recovery.scale, fault_at, run.timeline)
        run.checks.append(check)
        if check.measured_s is not None:
            run.mttr_s[f"scaled.{recovery.scale.workload}"] = check.measured_s
        spike = surge_end(run.drill, fault_at)
        if spike is not None:  # the surge ends by itself: scale-in is part of recovery
            _check_scaled_in(run, platform, spike)
    if recovery.failover is not None and observers.failover is not None:
        checks = check_failover(
            platform, observers.failover, recovery.failover, fault_at, run.timeline
        )
        run.checks.extend(checks)
        for key, check in zip(("failover.primary", "failover.writes"), checks, strict=False):
            if check.measured_s is not None:
                run.mttr_s[key] = check.measured_s
    for condition in recovery.conditions:
        check = check_condition(observers.prometheus, condition, fault_at, run.timeline)
        run.checks.append(check)
        if check.measured_s is not None:
            run.mttr_s[f"condition.{condition.name}"] = check.measured_s
    if recovery.journeys_green is not None:
        check, recovered_at = check_journeys_green(
            prober, recovery.journeys_green, fault_at, run.timeline
        )
        run.checks.append(check)
        if check.measured_s is not None:
            run.mttr_s[f"journey.{recovery.journeys_green.journey}"] = check.measured_s
    return recovered_at


def _check_scaled_in(run: DrillRun, platform: Platform, stress_ended_at: float) -> None:
    scale = run.drill.expect.recovery.scale
    if scale is None:
        return
    check = check_scaled_in(platform, scale, stress_ended_at, run.timeline)
    if check is not None:
        run.checks.append(check)


def _budget_burned(run: DrillRun) -> float | None:
    fault = run.timeline.first("fault.injected")
    if fault is None or not run.drill.journeys:
        return None
    return burned_percent(run.timeline.events, fault.at, run.settings.target.slo)


def _journey_windows(run: DrillRun) -> JourneyWindows:
    fault = run.timeline.first("fault.injected")
    if fault is None:
        return {}
    green = run.drill.expect.recovery.journeys_green
    consecutive = {str(green.journey): green.consecutive} if green else None
    return journey_windows(run.timeline.events, fault.at, consecutive)


def _record_mttd(run: DrillRun, alertname: str, fault_at: float) -> None:
    for kind, stage in (
        ("alert.pending", "pending"),
        ("alert.firing", "firing"),
        ("alert.in_alertmanager", "alertmanager"),
    ):
        event = run.timeline.first(kind, lambda e: e.detail.get("alert") == alertname)
        if event is not None:
            run.mttd_s[f"{stage}.{alertname}"] = event.at - fault_at
    for event in run.timeline.events:
        if event.kind == "notification.firing" and event.detail.get("alert") == alertname:
            run.mttd_s.setdefault(
                f"notified.{alertname}.{event.detail['receiver']}", event.at - fault_at
            )


def _export(run: DrillRun, result: DrillResult) -> DrillResult:
    run.phase("exporting results")
    pushgateway = run.settings.target.pushgateway
    if pushgateway is None:
        return result
    try:
        push_drill_slis(result, pushgateway.url)
        push_load_slis(result, pushgateway.url)
    except InfrastructureError as exc:
        return replace(result, error=result.error or f"SLI export failed: {exc}")
    return result
