"""The priority contract: per priority, the receivers that must be notified (every
other receiver of the contract must not be), the detection and response
deadlines, the alerts that belong to it, and the incident response it promises
(the escalation levels of its on-call policy, whether a war room and a status-page
incident are required); per receiver, the audience it speaks to. Loaded from a
YAML file the target names (`contract:`); the sandbox ships
`contracts/sandbox.contract.yaml`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator

from harness.configfile import SourceMap, load_model
from harness.types import Frozen, Offset, Priority, Seconds


class Audience(StrEnum):
    """Who reads a receiver's messages, and so what they must carry."""

    EXECUTIVE = "executive"
    """Business impact, in words: an impact statement, no PromQL, no label dumps."""
    ON_CALL = "on-call engineer"
    """Troubleshooting detail: a summary and a runbook link that answers."""
    TEAM = "team"
    SECURITY = "security"


class EscalationLevel(Frozen):
    """One level of an on-call escalation policy: who is notified, and when, while
    the incident is neither acknowledged nor resolved. `after` and `within` count
    from the incident's trigger: the level must be notified no earlier than `after`
    and no later than `within`."""

    level: int = Field(ge=1)
    notify: list[str] = Field(min_length=1)
    """The people (or schedules) of this level, by name."""
    after: Offset
    within: Seconds

    @model_validator(mode="after")
    def _window(self) -> EscalationLevel:
        if self.within < self.after:
            raise ValueError(f"level {self.level}: within is before after")
        return self


class PriorityTerms(Frozen):
    receivers: list[str] = Field(min_length=1)
    detection: Seconds
    """How fast an alert of this priority must fire after a drill's fault."""
    response: Seconds
    """How fast a person must respond (reported, not measured by drills)."""
    alerts: list[str] = Field(default_factory=list)
    """Alert rules of this priority (their `priority` label must say so)."""
    escalation: list[EscalationLevel] = Field(default_factory=list)
    """The escalation levels of this priority's on-call policy, level 1 first."""
    war_room: bool = False
    """An incident of this priority opens a war-room channel (and closes it)."""
    status_page: bool = False
    """An incident of this priority opens a status-page incident (and resolves it)."""

    @model_validator(mode="after")
    def _levels_in_order(self) -> PriorityTerms:
        for number, level in enumerate(self.escalation, start=1):
            if level.level != number:
                raise ValueError(f"escalation: level {level.level} where level {number} belongs")
        for earlier, later in zip(self.escalation, self.escalation[1:], strict=False):
            if later.after <= earlier.after:
                raise ValueError(
                    f"escalation: level {later.level} starts no later than level {earlier.level}"
                )
        if self.escalation and self.escalation[0].after != 0:
            raise ValueError("escalation: level 1 is notified at the trigger (after: 0s)")
        return self


class Contract(Frozen):
    name: str
    priorities: dict[Priority, PriorityTerms] = Field(min_length=1)
    audiences: dict[str, Audience] = Field(default_factory=dict)
    """Receiver -> who reads it (message content is checked per audience)."""
    not_drillable: dict[str, str] = Field(default_factory=dict)
    """Alerts of this contract no drill can prove, each with the reason (a reviewer
    must accept it): coverage lists them as such and leaves them out of its shares.
    Never a P0 alert: every P0 page must be shown to work."""

    @model_validator(mode="after")
    def _alerts_in_one_priority(self) -> Contract:
        seen: dict[str, Priority] = {}
        for priority, terms in self.priorities.items():
            for alert in terms.alerts:
                if alert in seen:
                    raise ValueError(f"alert {alert} is under both {seen[alert]} and {priority}")
                seen[alert] = priority
        for alert, reason in self.not_drillable.items():
            if alert not in seen:
                raise ValueError(f"not_drillable: {alert} is not an alert of this contract")
            if seen[alert] == Priority.P0:
                raise ValueError(f"not_drillable: {alert} is P0; every P0 alert must be drilled")
            if len(reason.split()) < 5:
                raise ValueError(f"not_drillable: {alert} needs a reason a reviewer can judge")
        unknown = sorted(set(self.audiences) - self.receivers)
        if unknown:
            raise ValueError(f"audiences: {', '.join(unknown)} is no receiver of this contract")
        return self

    @property
    def receivers(self) -> set[str]:
        return {r for terms in self.priorities.values() for r in terms.receivers}

    def must_not(self, priority: Priority) -> list[str]:
        """Every receiver of the contract that `priority` must not reach."""
        return sorted(self.receivers - set(self.priorities[priority].receivers))

    def priority_of(self, alert: str) -> Priority | None:
        return next((p for p, t in self.priorities.items() if alert in t.alerts), None)


def load_contract(path: Path) -> tuple[Contract, SourceMap]:
    return load_model(path, Contract)
