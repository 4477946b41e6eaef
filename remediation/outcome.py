"""What each phase of a drill returns, and the one builder that turns the phases'
outcomes into the drill's result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from harness import clock
from harness.budget import burned_percent
from harness.drill import Drill
from harness.events import EventKind
from harness.load_results import LoadResult
from harness.results import Check, DrillResult, JourneyWindows, SeenAlert
from harness.settings import Settings
from harness.stages import Stage
from harness.timeline import Timeline
from remediation.detection import DetectionFloor
from remediation.drill_run import DrillScope
from remediation.journey_windows import journey_windows
from remediation.stages import deadline_stages, floor_stages, window_stages


@dataclass(frozen=True)
class PhaseOutcome:
    """The checks a phase made and the MTTD/MTTR stages it measured."""

    checks: tuple[Check, ...] = ()
    stages: Mapping[Stage, float] = field(default_factory=dict)

    @classmethod
    def of(cls, check: Check, stage: Stage) -> PhaseOutcome:
        """One check whose measured time, if any, is the stage's."""
        measured = {} if check.measured_s is None else {stage: check.measured_s}
        return cls((check,), measured)

    @classmethod
    def merge(cls, outcomes: list[PhaseOutcome]) -> PhaseOutcome:
        stages: dict[Stage, float] = {}
        for outcome in outcomes:
            for stage, seconds in outcome.stages.items():
                stages.setdefault(stage, seconds)
        return cls(tuple(c for o in outcomes for c in o.checks), stages)


@dataclass(frozen=True)
class DrillFacts:
    """What the runner learnt besides checks and stages."""

    load: LoadResult | None = None
    alerts_seen: tuple[str, ...] = ()
    alerts: tuple[SeenAlert, ...] = ()
    floors: Mapping[str, DetectionFloor] = field(default_factory=dict)
    error: str | None = None
    """The infrastructure error that ended the drill early, if one did."""


def build_result(
    scope: DrillScope, started_at: float, outcome: PhaseOutcome, facts: DrillFacts
) -> DrillResult:
    """The drill's result from its phases' outcome; MTTD and MTTR stages are told
    apart by their kind."""
    drill, settings, alerts, timeline = scope.drill, scope.settings, scope.alerts, scope.timeline
    return DrillResult(
        drill=drill.name,
        run_id=settings.run_id,
        target=settings.target.name,
        environment=settings.target.environment,
        started_at=started_at,
        finished_at=clock.now(),
        checks=outcome.checks,
        mttd_s={s.key: v for s, v in outcome.stages.items() if s.kind.is_detection},
        mttr_s={s.key: v for s, v in outcome.stages.items() if not s.kind.is_detection},
        events=tuple(timeline.events),
        error=facts.error,
        budget_burned_percent=_budget_burned(drill, settings, timeline),
        journeys=_journey_windows(drill, timeline),
        load=facts.load,
        alerts_seen=facts.alerts_seen,
        alerts=facts.alerts,
        priorities=tuple(sorted({str(a.priority) for a in alerts})),
        floors_s=floor_stages(alerts, facts.floors),
        deadlines_s=deadline_stages(drill, alerts),
        windows_s=window_stages(alerts, facts.floors),
    )


def _budget_burned(drill: Drill, settings: Settings, timeline: Timeline) -> float | None:
    fault = timeline.first(EventKind.FAULT_INJECTED)
    if fault is None or not drill.journeys:
        return None
    return burned_percent(timeline.events, fault.at, settings.target.slo)


def _journey_windows(drill: Drill, timeline: Timeline) -> JourneyWindows:
    fault = timeline.first(EventKind.FAULT_INJECTED)
    if fault is None:
        return {}
    green = drill.expect.recovery.journeys_green
    consecutive = {str(green.journey): green.consecutive} if green else None
    return journey_windows(timeline.events, fault.at, consecutive)
