"""The state one drill accumulates while its phases run (remediation/runner.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from harness.drill import AlertContract, Drill
from harness.load_results import LoadResult
from harness.results import Check
from harness.settings import Settings
from harness.timeline import Timeline
from remediation.detection import DetectionFloor

PhaseListener = Callable[[str, str], None]


@dataclass
class DrillRun:
    """The state one drill accumulates while its phases run."""

    drill: Drill
    settings: Settings
    on_phase: PhaseListener
    alerts: list[AlertContract]
    timeline: Timeline = field(default_factory=Timeline)
    checks: list[Check] = field(default_factory=list)
    mttd_s: dict[str, float] = field(default_factory=dict)
    mttr_s: dict[str, float] = field(default_factory=dict)
    load: LoadResult | None = None
    alerts_seen: tuple[str, ...] = ()
    floors: dict[str, DetectionFloor] = field(default_factory=dict)

    def phase(self, name: str) -> None:
        self.timeline.record("phase", phase=name)
        self.on_phase(self.drill.name, name)
