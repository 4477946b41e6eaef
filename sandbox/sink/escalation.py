"""The sink playing PagerDuty's on-call side: each service's escalation policy (levels
of people, each level with its escalation delay) and an acknowledgement timeout.

An incident notifies level 1 at its trigger; while it stays triggered (neither
acknowledged nor resolved), each level's delay later the next level is notified,
up to the last. An acknowledgement stops the escalation; a service with an
acknowledgement timeout re-triggers an acknowledged incident after it, notifying
the current level again and escalating on from there (PagerDuty's behaviour).

Escalation is computed, not scheduled: `IncidentLadder.catch_up(now)` writes every
log entry that fell due since the last call with the time it fell due, so a read
always sees exactly what a timer would have written, with no thread. Policies come
from a YAML file (`pagerdrill sink --escalation FILE`):

    escalation_policies:
      p0-oncall:
        - {delay: 4s, targets: [primary-oncall]}      # level 1, 4 s before level 2
        - {delay: 6s, targets: [secondary-oncall]}
    services:
      pagerduty-critical: {escalation_policy: p0-oncall, acknowledgement_timeout: null}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sandbox.sink.records import parse_seconds


@dataclass(frozen=True)
class EscalationRule:
    delay_s: float
    """How long this level has before the next one is notified."""
    targets: tuple[str, ...]


@dataclass(frozen=True)
class EscalationPolicy:
    id: str
    rules: tuple[EscalationRule, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "escalation_policy",
            "name": self.id,
            "summary": self.id,
            "num_loops": 0,
            "escalation_rules": [
                {
                    "id": f"{self.id}-R{index}",
                    "escalation_delay_in_minutes": rule.delay_s / 60,
                    "targets": [user_reference(t) for t in rule.targets],
                }
                for index, rule in enumerate(self.rules, start=1)
            ],
        }


@dataclass(frozen=True)
class ServicePolicy:
    policy: EscalationPolicy
    acknowledgement_timeout_s: float | None = None


def user_reference(name: str) -> dict[str, str]:
    return {"id": f"U-{name}", "type": "user_reference", "summary": name}


def load_policies(path: Path) -> dict[str, ServicePolicy]:
    """Service (receiver) name -> its policy, from the YAML file shown above."""
    document = yaml.safe_load(path.read_text()) or {}
    policies = {
        name: EscalationPolicy(
            name,
            tuple(
                EscalationRule(parse_seconds(r["delay"]), tuple(r.get("targets") or ()))
                for r in rules
            ),
        )
        for name, rules in (document.get("escalation_policies") or {}).items()
    }
    services = {}
    for service, terms in (document.get("services") or {}).items():
        timeout = terms.get("acknowledgement_timeout")
        services[service] = ServicePolicy(
            policies[terms["escalation_policy"]],
            None if timeout is None else parse_seconds(timeout),
        )
    return services


@dataclass
class PolicyFile:
    """The policies of a file, read again when it changes (a sandbox variant rewrites
    it while the sink runs); incidents keep the policy they were triggered under."""

    path: Path
    _read: tuple[float, dict[str, ServicePolicy]] | None = None

    def __call__(self) -> dict[str, ServicePolicy]:
        changed = self.path.stat().st_mtime
        if self._read is None or self._read[0] != changed:
            self._read = (changed, load_policies(self.path))
        return self._read[1]


LogEntry = tuple[str, float, dict[str, Any]]
"""(type, at, extra fields of the log entry)."""


@dataclass
class IncidentLadder:
    """Where one incident stands on its service's escalation policy."""

    service: ServicePolicy
    triggered_at: float
    status: str = "triggered"
    level: int = 1
    level_since: float = 0.0
    acknowledged_at: float | None = None
    log: list[LogEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.level_since = self.triggered_at
        self.log.append(("trigger_log_entry", self.triggered_at, {"summary": "Triggered"}))
        self._notify(self.triggered_at)

    @property
    def rules(self) -> tuple[EscalationRule, ...]:
        return self.service.policy.rules

    def assignees(self) -> tuple[str, ...]:
        return self.rules[self.level - 1].targets if self.rules else ()

    def _notify(self, at: float) -> None:
        for target in self.assignees():
            self.log.append(("notify_log_entry", at, {"user": user_reference(target)}))

    def _next_due(self) -> tuple[str, float] | None:
        if self.status == "triggered" and self.level < len(self.rules):
            return "escalate", self.level_since + self.rules[self.level - 1].delay_s
        timeout = self.service.acknowledgement_timeout_s
        if self.status == "acknowledged" and timeout is not None:
            assert self.acknowledged_at is not None
            return "unacknowledge", self.acknowledged_at + timeout
        return None

    def catch_up(self, now: float) -> None:
        """Write every escalation and re-trigger that fell due up to `now`."""
        while (due := self._next_due()) is not None and due[1] <= now:
            action, at = due
            if action == "escalate":
                self.level += 1
                summary = f"Escalated to level {self.level} by timeout"
                self.log.append(("escalate_log_entry", at, {"summary": summary}))
            else:
                self.status, self.acknowledged_at = "triggered", None
                summary = "Unacknowledged by acknowledgement timeout"
                self.log.append(("unacknowledge_log_entry", at, {"summary": summary}))
            self.level_since = at
            self._notify(at)

    def acknowledge(self, at: float, by: str) -> bool:
        self.catch_up(at)
        if self.status != "triggered":
            return False
        self.status, self.acknowledged_at = "acknowledged", at
        self.log.append(("acknowledge_log_entry", at, {"agent": user_reference(by)}))
        return True

    def resolve(self, at: float) -> bool:
        self.catch_up(at)
        if self.status == "resolved":
            return False
        self.status = "resolved"
        self.log.append(("resolve_log_entry", at, {"summary": "Resolved"}))
        return True


NO_POLICY = ServicePolicy(EscalationPolicy("none", ()))
"""A service nobody configured: incidents open and close, nobody is notified."""
