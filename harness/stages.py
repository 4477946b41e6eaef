"""MTTD and MTTR stages as values: what was measured, of what. A stage's key
(`firing.IDPDown`, `notified.IDPDown.pagerduty-p0`, `restart.idp`) is how results.json,
history and the Pushgateway name it; only this module builds or parses keys::

    Stage.notified("IDPDown", "pagerduty-p0").key   # "notified.IDPDown.pagerduty-p0"
    Stage.parse("restart.idp").kind is StageKind.RESTART
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StageKind(StrEnum):
    # detection (MTTD), in the order an alert goes through them
    PENDING = "pending"
    FIRING = "firing"
    ALERTMANAGER = "alertmanager"
    NOTIFIED = "notified"
    # recovery (MTTR)
    RESTART = "restart"
    SCALED = "scaled"
    FAILOVER = "failover"
    CONDITION = "condition"
    JOURNEY = "journey"

    @property
    def is_detection(self) -> bool:
        return self in _DETECTION


_DETECTION = (StageKind.PENDING, StageKind.FIRING, StageKind.ALERTMANAGER, StageKind.NOTIFIED)


@dataclass(frozen=True)
class Stage:
    kind: StageKind
    subject: str
    """The alert (detection), or the workload, condition, journey or failover step."""
    receiver: str | None = None
    """For `notified` stages only."""

    @property
    def key(self) -> str:
        parts = [self.kind.value, self.subject]
        return ".".join([*parts, self.receiver] if self.receiver is not None else parts)

    @classmethod
    def parse(cls, key: str) -> Stage:
        """The stage a stored key names (alert names and receivers hold no dots; a
        condition or journey name may)."""
        kind, _, rest = key.partition(".")
        stage_kind = StageKind(kind)
        if stage_kind is StageKind.NOTIFIED:
            alert, _, receiver = rest.partition(".")
            return cls(stage_kind, alert, receiver)
        return cls(stage_kind, rest)

    @classmethod
    def notified(cls, alert: str, receiver: str) -> Stage:
        return cls(StageKind.NOTIFIED, alert, receiver)

    def __str__(self) -> str:
        return self.key


def of_kind(stages: dict[str, float], kind: StageKind) -> dict[Stage, float]:
    """The stages of one kind from a stored stage map, parsed."""
    parsed = {Stage.parse(key): value for key, value in stages.items()}
    return {stage: value for stage, value in parsed.items() if stage.kind is kind}
