"""Alertmanager's inhibit rules, read from its live configuration, and which of its
active alerts would hold back the alerts a drill expects.

An alert that keeps firing after its own drill (a security P0 over a long window,
say) inhibits the next drill's P1 pages: that drill would fail for a reason of
the previous one. The steady state therefore waits until no active alert would
inhibit an expected one. Labels an inhibit rule wants `equal` that the expected
alert gets only at run time (`service`, from the scrape target) count as equal:
waiting a little too long is safe, a page held back is not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from remediation.detection import route_matches
from remediation.monitoring import Monitoring


@dataclass(frozen=True)
class InhibitRule:
    source: Mapping[str, Any]
    """Matchers in a route's shape (`matchers`, `match`, `match_re`)."""
    target: Mapping[str, Any]
    equal: tuple[str, ...]

    @classmethod
    def parse(cls, rule: Mapping[str, Any]) -> InhibitRule:
        def side(prefix: str) -> dict[str, Any]:
            return {
                "matchers": rule.get(f"{prefix}_matchers"),
                "match": rule.get(f"{prefix}_match"),
                "match_re": rule.get(f"{prefix}_match_re"),
            }

        return cls(side("source"), side("target"), tuple(rule.get("equal") or ()))

    def inhibits(self, source: Mapping[str, str], target: Mapping[str, str]) -> bool:
        """Whether an alert labelled `source` holds back one labelled `target` (labels
        `target` lacks are not known yet and count as equal)."""
        return (
            route_matches(dict(self.source), dict(source))
            and route_matches(dict(self.target), dict(target))
            and all(source.get(name, "") == target[name] for name in self.equal if name in target)
        )


def read_inhibit_rules(alertmanager_config: str) -> list[InhibitRule]:
    config = yaml.safe_load(alertmanager_config) or {}
    return [InhibitRule.parse(r) for r in config.get("inhibit_rules") or []]


@dataclass(frozen=True)
class Inhibitors:
    """The inhibit rules and the labels the expected alerts will carry (their rules'
    labels and name)."""

    rules: tuple[InhibitRule, ...]
    expected: Mapping[str, Mapping[str, str]]

    @classmethod
    def read(cls, monitoring: Monitoring, names: Sequence[str]) -> Inhibitors:
        rules = read_inhibit_rules(monitoring.alertmanager.config_yaml())
        labels = {
            str(r["name"]): {**(r.get("labels") or {}), "alertname": str(r["name"])}
            for r in monitoring.prometheus.alerting_rules()
            if r["name"] in names
        }
        return cls(tuple(rules), labels)

    def holding_back(self, active: Sequence[Mapping[str, Any]]) -> list[str]:
        """'A (would inhibit B)' for every active alert that would hold back an
        expected one."""
        found = []
        for alert in active:
            labels = alert.get("labels") or {}
            if labels.get("alertname") in self.expected:
                continue
            victims = sorted(
                name
                for name, target in self.expected.items()
                if any(rule.inhibits(labels, target) for rule in self.rules)
            )
            if victims:
                found.append(f"{labels.get('alertname')} (would inhibit {', '.join(victims)})")
        return sorted(set(found))
