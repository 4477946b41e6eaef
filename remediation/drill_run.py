"""What every phase of one drill works in: the validated drill, the settings and
the drill's timeline. Frozen: phases return what they measured
(remediation/outcome.py) instead of writing into shared state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from harness.drill import AlertContract, Drill
from harness.events import EventKind
from harness.settings import Settings
from harness.timeline import Timeline
from remediation.validation import ValidDrill

PhaseListener = Callable[[str, str], None]


@dataclass(frozen=True)
class DrillScope:
    valid: ValidDrill
    settings: Settings
    on_phase: PhaseListener
    timeline: Timeline = field(default_factory=Timeline)

    @property
    def drill(self) -> Drill:
        return self.valid.drill

    @property
    def alerts(self) -> tuple[AlertContract, ...]:
        return self.valid.alerts

    def phase(self, name: str) -> None:
        self.timeline.record(EventKind.PHASE, phase=name)
        self.on_phase(self.drill.name, name)
