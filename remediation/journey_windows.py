"""Journey success and latency before, during and after a fault, from the prober's
attempts on the drill's timeline. "Before" holds the attempts that ended before the
fault; "during" ends where the first of K consecutive successes after the fault
started; the journey was back when that attempt ended."""

from __future__ import annotations

from collections.abc import Sequence

from harness.events import EventKind
from harness.results import JourneyWindow, JourneyWindows
from harness.timeline import Event

DEFAULT_CONSECUTIVE = 3


def _first_good_run(attempts: Sequence[Event], fault_at: float, consecutive: int) -> Event | None:
    """The first attempt of the first `consecutive` successes in a row after the fault."""
    run: list[Event] = []
    for attempt in attempts:
        if attempt.at < fault_at:
            continue
        run = [*run, attempt] if attempt.detail.get("ok") else []
        if len(run) >= consecutive:
            return run[0]
    return None


def back_at(attempts: Sequence[Event], fault_at: float, consecutive: int) -> float | None:
    """When the journey was back for its users: the end of the first of the first
    `consecutive` successes in a row after the fault, if there were."""
    first = _first_good_run(attempts, fault_at, consecutive)
    if first is None:
        return None
    duration = first.detail["duration_s"]
    assert isinstance(duration, int | float)
    return first.at + float(duration)


def journey_windows(
    events: Sequence[Event], fault_at: float, consecutive: dict[str, int] | None = None
) -> JourneyWindows:
    """Per journey on the timeline: its before / during / after windows::

    journey_windows(result.events, fault_at, {"login": 3})["login"]["during"].success_ratio
    """
    by_journey: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda e: e.at):
        if event.kind == EventKind.JOURNEY_ATTEMPT:
            by_journey.setdefault(str(event.detail["journey"]), []).append(event)
    windows: JourneyWindows = {}
    for journey, attempts in by_journey.items():
        k = (consecutive or {}).get(journey, DEFAULT_CONSECUTIVE)
        first = _first_good_run(attempts, fault_at, k)
        end = float("inf") if first is None else first.at
        split: dict[str, list[tuple[bool, float]]] = {"before": [], "during": [], "after": []}
        starts: dict[str, list[float]] = {"before": [], "during": [], "after": []}
        for a in attempts:
            duration = a.detail["duration_s"]
            assert isinstance(duration, int | float)
            # An attempt in flight when the fault hit belongs to "during".
            window = "before" if a.at + duration < fault_at else "during" if a.at < end else "after"
            split[window].append((bool(a.detail.get("ok")), float(duration)))
            starts[window].append(a.at - fault_at)
        windows[journey] = {
            name: JourneyWindow.of(outcomes, starts[name]) for name, outcomes in split.items()
        }
    return windows
