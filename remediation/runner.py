"""Run one drill against a target, phase by phase, and return its result.

Phases, always in this order (DESIGN.md): steady state checked -> observers
started -> load started -> fault injected -> alerts and notifications awaited ->
recovery awaited -> fault reverted -> steady state checked again -> results exported.
Each phase is announced (timeline event `phase`, and the progress line) as it begins
and returns a `PhaseOutcome`; `build_result` assembles them.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack, closing
from dataclasses import dataclass, field, replace

from chaos.adapters import open_platform
from chaos.faults import inject, plan
from chaos.faults.base import fault_context
from harness import clock
from harness.drill import Drill
from harness.errors import ConfigError, GuardRefused, HarnessError, InfrastructureError
from harness.events import EventKind
from harness.results import DrillResult
from harness.settings import Settings
from harness.sli import push_drill_slis, push_load_slis
from harness.timeline import Timeline
from journeys.target import JourneyTarget
from load.runner import LoadRunner
from remediation.alert_checks import alert_checks
from remediation.alerts import (
    AlertObservation,
    AlertWatcher,
    detection_stages,
    record_observation,
)
from remediation.content import check_content
from remediation.drill_run import DrillScope, PhaseListener
from remediation.escalation import Ladder, escalation_of
from remediation.incident_tools import IncidentTools, incident_tools_of
from remediation.live_config import check_live_config
from remediation.load_phase import load_checks, plan_load, start_load
from remediation.monitoring import Monitoring
from remediation.outcome import DrillFacts, PhaseOutcome, build_result
from remediation.pages import AlertmanagerWatch, alerts_since_fault
from remediation.prober import JourneyProber
from remediation.quiet_inputs import mark_disturbance
from remediation.recovery_phase import Observers, await_recovery, check_scaled_in, start_observers
from remediation.stages import floor_text
from remediation.steady_state import await_steady_state, check_steady_state_again
from remediation.validation import ValidDrill

log = logging.getLogger("pagerdrill.drill")


def run_drill(
    valid: ValidDrill,
    settings: Settings,
    on_phase: PhaseListener = lambda drill, phase: log.info("%s: %s", drill, phase),
    *,
    fail_fast: bool = False,
) -> DrillResult:
    """Run a drill validated against the target (`validate_drill`: nothing is touched
    if that fails)::

        valid = validate_drill(*load_drill(Path("drills/app-crash.drill.yaml")), settings)
        result = run_drill(valid, settings)
        print(result.verdict, result.failed_checks)

    `fail_fast`: the drill ends at the first phase with a failed check; the fault is
    reverted then (as on any exit) and the phases after it are skipped. The verdict
    is the same (failed); the report has only the checks made until then.
    """
    scope = DrillScope(valid, settings, on_phase)
    started_at = clock.now()
    record = _Record(fail_fast=fail_fast)
    with Monitoring.open(settings) as monitoring:
        try:
            # before anything is touched: what can never pass is refused
            floors = check_live_config(
                valid.source, list(valid.alerts), monitoring, valid.drill.expect.inhibited
            )
            record.facts = replace(record.facts, floors=floors)
            _run_phases(scope, monitoring, record)
        except (ConfigError, GuardRefused):
            raise
        except _FailedFast:
            scope.phase("stopped at the first failed check (fail fast)")
        except HarnessError as exc:
            error = f"{type(exc).__name__}: {exc}"
            scope.timeline.record(EventKind.DRILL_ERROR, error=error)
            record.facts = replace(record.facts, error=error)
        finally:  # the next drill's windows count from here (remediation/quiet_inputs.py)
            if any(e.kind == EventKind.LOAD_STARTED for e in scope.timeline.events):
                mark_disturbance(settings.state_dir)
    outcome = PhaseOutcome.merge(record.outcomes)
    return _export(scope, build_result(scope, started_at, outcome, record.facts))


class _FailedFast(Exception):
    """A phase's check failed in a drill run with `fail_fast`: end it here."""


@dataclass
class _Record:
    """What the phases produced so far, owned by `run_drill`: kept when a phase
    raises, so a drill that ends in an error still reports the checks it made."""

    outcomes: list[PhaseOutcome] = field(default_factory=list)
    facts: DrillFacts = field(default_factory=DrillFacts)
    fail_fast: bool = False

    def add(self, *outcomes: PhaseOutcome) -> None:
        """A phase's outcomes; with `fail_fast`, a failed check ends the drill."""
        self.outcomes.extend(outcomes)
        if self.fail_fast and any(not c.passed for o in outcomes for c in o.checks):
            raise _FailedFast


def plan_drill(valid: ValidDrill, settings: Settings) -> list[str]:
    """What the drill would do, with its targets resolved through the guards; touches
    nothing (`pagerdrill run --dry-run`)."""
    drill, alerts = valid.drill, valid.alerts
    unchecked = []
    with Monitoring.open(settings) as monitoring:
        try:
            floors = check_live_config(
                valid.source, list(alerts), monitoring, drill.expect.inhibited
            )
        except InfrastructureError as exc:  # the plan is still worth printing
            floors = {}
            unchecked.append(
                "not checked: the alerts, receivers and detection floors against the live "
                f"monitoring ({exc})"
            )
    try:
        with (
            closing(open_platform(settings.target.platform)) as platform,
            fault_context(settings, platform, Timeline(), drill.load) as faults,
        ):
            steps = plan(drill.fault, faults)
    except InfrastructureError as exc:  # a refusal (GuardRefused) still ends the dry run
        steps = [f"on {drill.fault.target_text()}"]
        unchecked.append(f"not checked: the fault's targets on the platform ({exc})")
    lines = [f"journeys probed: {', '.join(drill.journeys) or 'none'}", *plan_load(drill, settings)]
    lines += [f"fault {drill.fault.kind}: {step}" for step in steps]
    lines += [
        f"expect {a.name} at {a.priority} within {a.within:g} s to {', '.join(a.receivers)}"
        + (f" (from the contract: {', '.join(a.from_contract)})" if a.from_contract else "")
        + (f"; floor {floor_text(floors[a.name], a)}" if a.name in floors else "")
        for a in alerts
    ]
    lines += unchecked
    lines.append("dry run: nothing was touched")
    return lines


def _run_phases(scope: DrillScope, monitoring: Monitoring, record: _Record) -> None:
    settings, drill, timeline = scope.settings, scope.drill, scope.timeline
    with ExitStack() as stack:
        platform = stack.enter_context(closing(open_platform(settings.target.platform)))
        faults = stack.enter_context(fault_context(settings, platform, timeline, drill.load))
        # Targets resolved through the guards before anything starts: a refusal touches nothing.
        timeline.record(EventKind.FAULT_PLANNED, steps=plan(drill.fault, faults))
        load = start_load(drill, settings, timeline)  # refused here if not allowed
        target = JourneyTarget.from_settings(settings)
        prober = stack.enter_context(
            JourneyProber(drill.journeys, target, settings.chromium, timeline)
        )

        scope.phase("checking steady state")
        floors = await_steady_state(scope, record.facts.floors, monitoring, prober)
        record.facts = replace(record.facts, floors=floors)
        scope.phase("starting observers")
        observers = start_observers(scope, platform, stack, prober, monitoring.prometheus)
        faults.load = _started(scope, stack, load)
        watcher = AlertWatcher(
            monitoring.prometheus,
            monitoring.alertmanager,
            monitoring.readers,
            monitoring.receiver_metrics,
            tuple(a.name for a in scope.alerts),
        )
        watch = stack.enter_context(
            AlertmanagerWatch(
                settings.target.alertmanager.url, earlier=monitoring.prometheus.active_now()
            ).start()
        )
        ladder = escalation_of(scope, monitoring)
        tools = stack.enter_context(incident_tools_of(settings, drill.expect))
        scope.phase(f"injecting fault {drill.fault.kind} on {drill.fault.target_text()}")
        with inject(drill.fault, faults) as fault_at:
            if ladder is not None and ladder.expectation.acknowledge == "at_once":
                stack.enter_context(ladder.acknowledger(fault_at))
            observations = _await_alerts(scope, watcher, ladder, fault_at, record)
            if tools.followed:
                scope.phase("awaiting the incident tools (war room, status page)")
                record.add(tools.opened(fault_at, timeline))
            scope.phase("awaiting recovery")
            recovery, recovered_at = await_recovery(scope, platform, observers, fault_at)
            record.add(recovery)
            if load is not None:
                scope.phase("stopping load")
                load_result = load.stop()
                record.facts = replace(record.facts, load=load_result)
                record.add(PhaseOutcome(tuple(load_checks(drill.expect.load, load_result))))
            hold = drill.fault.hold
            scope.phase("reverting fault" + (f" ({hold:g} s after injection)" if hold else ""))
        reverted_at = clock.now()
        if drill.fault.ends_after(drill.load) is None:  # scale-in after a held fault's revert
            record.add(check_scaled_in(scope, platform, reverted_at))
        scope.phase("checking steady state again (alerts resolved, journeys green)")
        resolved_from = _recovered(drill, fault_at, reverted_at, recovered_at or clock.now())
        record.add(*_resolved(watcher, observations, resolved_from, timeline))
        closed_from = _recovered(drill, fault_at, reverted_at, recovered_at or reverted_at)
        record.add(*_followed_up(scope, monitoring, tools, fault_at, closed_from))
        record.add(check_steady_state_again(drill, prober))
        alerts, seen_checks = alerts_since_fault(
            drill.expect, settings.contract, monitoring, watch, (fault_at, reverted_at)
        )
        record.add(PhaseOutcome(seen_checks))
        began = timeline.events[0].at if timeline.events else fault_at
        seen = tuple(monitoring.prometheus.firing_alerts(began, clock.now()))
    record.facts = replace(record.facts, alerts_seen=seen, alerts=alerts)


def _await_alerts(
    scope: DrillScope,
    watcher: AlertWatcher,
    ladder: Ladder | None,
    fault_at: float,
    record: _Record,
) -> list[AlertObservation]:
    """Each expected alert awaited and checked; then its incident's escalation followed."""
    scope.phase("awaiting alerts and notifications")
    observations = [watcher.await_alert(exp, fault_at) for exp in scope.alerts]
    for observation in observations:
        record_observation(observation, scope.timeline)
        checks = tuple(alert_checks(observation))
        record.add(PhaseOutcome(checks, detection_stages(observation)))
    if ladder is not None:
        scope.phase("following the escalation")
        record.add(ladder.follow(fault_at, scope.timeline))
    return observations


def _followed_up(
    scope: DrillScope,
    monitoring: Monitoring,
    tools: IncidentTools,
    fault_at: float,
    recovered_at: float,
) -> list[PhaseOutcome]:
    """Once the alerts resolved: the incident tools closed, and what each audience was
    told (the resolved notifications included)."""
    found = []
    if tools.followed:
        found.append(tools.closed(recovered_at, scope.timeline))
    if scope.drill.expect.notifications.content:
        scope.phase("checking what each audience was told")
        found.append(check_content(scope, monitoring, fault_at))
    return found


def _started(scope: DrillScope, stack: ExitStack, load: LoadRunner | None) -> LoadRunner | None:
    """The drill's load, its first users making requests (stopped with `stack`)."""
    if load is None:
        scope.phase("starting load (none in this drill)")
        return None
    scope.phase(f"starting load ({load.spec.shape.kind} shape)")
    stack.enter_context(load)
    first = load.spec.shape.tick(0.0)
    load.wait_for_traffic(first[0] if first else 1, timeout=60)
    return load


def _recovered(drill: Drill, fault_at: float, reverted_at: float, green_at: float) -> float:
    """When recovery counts from: the journey green again, and never before the fault
    is over (alerts that keep firing while it holds tell the truth)."""
    return max(green_at, drill.fault.over_at(fault_at, reverted_at, drill.load))


def _resolved(
    watcher: AlertWatcher,
    observations: list[AlertObservation],
    recovered_at: float,
    timeline: Timeline,
) -> list[PhaseOutcome]:
    """Each alert that must resolve did, with its receivers told, in time."""
    return [
        PhaseOutcome((watcher.await_resolved(o, recovered_at, timeline),))
        for o in observations
        if o.expectation.resolve_within is not None
    ]


def _export(scope: DrillScope, result: DrillResult) -> DrillResult:
    scope.phase("exporting results")
    pushgateway = scope.settings.target.pushgateway
    if pushgateway is None:
        return result
    try:
        push_drill_slis(result, pushgateway.url)
        push_load_slis(result, pushgateway.url)
    except InfrastructureError as exc:
        return replace(result, error=result.error or f"SLI export failed: {exc}")
    return result


__all__ = ["Observers", "plan_drill", "run_drill"]
