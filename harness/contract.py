"""The priority contract: per priority, the receivers that must be notified (every
other receiver of the contract must not be), the detection and response
deadlines, and the alerts that belong to it. Loaded from a YAML file the target
names (`contract:`); the sandbox ships `contracts/sandbox.contract.yaml`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from harness.configfile import SourceMap, load_model
from harness.types import Frozen, Priority, Seconds


class PriorityTerms(Frozen):
    receivers: list[str] = Field(min_length=1)
    detection: Seconds
    """How fast an alert of this priority must fire after a drill's fault."""
    response: Seconds
    """How fast a person must respond (reported, not measured by drills)."""
    alerts: list[str] = Field(default_factory=list)
    """Alert rules of this priority (their `priority` label must say so)."""


class Contract(Frozen):
    name: str
    priorities: dict[Priority, PriorityTerms] = Field(min_length=1)
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
