"""Error budget a drill burned: the time the journeys were failing after the fault,
as a share of the budget the availability SLO allows over its window (time-based
availability, as in the SRE workbook)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.events import EventKind
from harness.target import SloConfig
from harness.timeline import Event


def unavailable_seconds(events: Sequence[Event], fault_at: float) -> float:
    """From the first failed journey attempt after the fault to the next success
    (or the last attempt, if none succeeded); summed over every such outage."""
    attempts = sorted(
        (e for e in events if e.kind == EventKind.JOURNEY_ATTEMPT and e.at >= fault_at),
        key=lambda e: e.at,
    )
    total, down_since = 0.0, None
    for attempt in attempts:
        if not attempt.detail.get("ok") and down_since is None:
            down_since = attempt.at
        elif attempt.detail.get("ok") and down_since is not None:
            total += attempt.at - down_since
            down_since = None
    if down_since is not None and attempts:
        total += attempts[-1].at - down_since
    return total


def burned_percent(events: Sequence[Event], fault_at: float, slo: SloConfig) -> float:
    """Share of the SLO window's error budget (percent) this drill's outage used::

    burned_percent(result.events, fault_at, SloConfig(availability_percent=99.99))
    """
    return 100 * unavailable_seconds(events, fault_at) / slo.error_budget_s
