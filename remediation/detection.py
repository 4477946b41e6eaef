"""The detection floor: how soon an alert can possibly fire and reach each receiver,
read from the live configuration, never assumed. Prometheus: the rule's `for` and
its group's evaluation interval, the global scrape interval. Alertmanager: the
`group_wait` and `group_interval` of every route the alert takes (children
inherit, `continue` fans out, as Alertmanager routes).

The floor is what the monitoring's own timing may cost before an alert fires:
firing = scrape interval (a fault waits for the next scrape) + the rule group's
evaluation interval (then for the next evaluation) + `for`; notified = firing +
the route's `group_wait` — or its `group_interval` while an aggregation group of
the alert may still be in Alertmanager's memory (a new alert then joins the old
group and waits for its next flush). A lucky phase can beat the floor by up to a
scrape and an evaluation interval; a deadline below it is not a deadline the
platform can be held to: a config error, reported before the drill starts. Where
the rule reads a range window (`rate(...[1m])`), the window is named beside the
floor: how much of it a fault must fill is the expression's business, not a
fixed delay."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import yaml

from harness.clients import AlertmanagerClient, PrometheusClient
from harness.configfile import SourceMap
from harness.drill import AlertContract
from remediation.promql import longest_window_s, prometheus_duration

_MATCHER = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$')
ALERTMANAGER_DEFAULTS = {"group_wait": 30.0, "group_interval": 300.0}


@dataclass(frozen=True)
class RouteTiming:
    receiver: str
    group_wait_s: float
    group_interval_s: float


@dataclass(frozen=True)
class DetectionFloor:
    alert: str
    for_s: float
    evaluation_interval_s: float
    scrape_interval_s: float
    routes: tuple[RouteTiming, ...]
    group_memory: bool = False
    """An aggregation group of the alert may still be held: notifications wait for
    its `group_interval` instead of `group_wait`."""
    window_s: float = 0.0
    """The longest range window the rule's expression reads (0: none)."""

    @property
    def firing_s(self) -> float:
        return self.scrape_interval_s + self.evaluation_interval_s + self.for_s

    def firing_explained(self) -> str:
        return (
            f"scrape {self.scrape_interval_s:g} s + evaluation {self.evaluation_interval_s:g} s"
            f" + `for` {self.for_s:g} s"
        )

    def route_to(self, receiver: str) -> RouteTiming | None:
        return next((r for r in self.routes if r.receiver == receiver), None)

    def notified_s(self, receiver: str) -> float | None:
        route = self.route_to(receiver)
        if route is None:
            return None
        wait = route.group_interval_s if self.group_memory else route.group_wait_s
        return self.firing_s + wait

    def group_interval_s(self) -> float:
        return max((r.group_interval_s for r in self.routes), default=0.0)

    def explain(self, receiver: str) -> str:
        route = self.route_to(receiver)
        if route is None:
            return self.firing_explained()
        wait = "group_interval" if self.group_memory else "group_wait"
        seconds = route.group_interval_s if self.group_memory else route.group_wait_s
        return f"{self.firing_explained()} + {wait} {seconds:g} s of the route to {receiver}"

    def with_group_memory(self) -> DetectionFloor:
        return replace(self, group_memory=True)


def read_floors(
    alerts: list[AlertContract], prometheus: PrometheusClient, alertmanager: AlertmanagerClient
) -> dict[str, DetectionFloor]:
    """The floor of every expected alert that Prometheus has a rule for."""
    global_config = yaml.safe_load(prometheus.config_yaml()).get("global") or {}
    scrape_s = prometheus_duration(global_config.get("scrape_interval"), 60.0)
    evaluation_s = prometheus_duration(global_config.get("evaluation_interval"), 60.0)
    rules = {r["name"]: r for r in prometheus.alerting_rules()}
    recording = {
        str(r["name"]): str(r["query"]) for r in prometheus.rules() if r.get("type") == "recording"
    }
    route_tree = (yaml.safe_load(alertmanager.config_yaml()) or {}).get("route") or {}
    floors = {}
    for alert in alerts:
        rule = rules.get(alert.name)
        if rule is None:
            continue
        labels = {**rule.get("labels", {}), "alertname": alert.name}
        floors[alert.name] = DetectionFloor(
            alert.name,
            float(rule.get("duration", 0.0)),
            float(rule.get("evaluation_interval") or evaluation_s),
            scrape_s,
            tuple(routes_for(route_tree, labels)),
            window_s=longest_window_s(str(rule.get("query", "")), recording),
        )
    return floors


def check_deadlines(
    source: SourceMap, alerts: list[AlertContract], floors: dict[str, DetectionFloor]
) -> None:
    """A ConfigError at the alert's line for a deadline no configuration could meet."""
    for index, alert in enumerate(alerts):
        floor = floors.get(alert.name)
        if floor is None:
            continue
        place = ("expect", "alerts", index)
        if floor.firing_s > alert.within:
            raise source.error(
                place,
                f"{alert.name}: deadline {alert.within:g} s is below its detection floor "
                f"{floor.firing_s:g} s ({floor.firing_explained()}); it can never fire in time",
            )
        for receiver in alert.receivers:
            notified = floor.notified_s(receiver)
            if notified is not None and notified > alert.within:
                raise source.error(
                    place,
                    f"{alert.name}: deadline {alert.within:g} s is below its detection floor "
                    f"{notified:g} s for {receiver} ({floor.explain(receiver)})",
                )


def routes_for(route: dict[str, Any], labels: dict[str, str]) -> list[RouteTiming]:
    """Every receiver the alert reaches, with its route's timings (Alertmanager's
    routing: depth first, children inherit, the first match wins unless `continue`)."""
    return _walk(route, labels, ALERTMANAGER_DEFAULTS, "")


def _walk(
    route: dict[str, Any], labels: dict[str, str], parent: dict[str, float], receiver: str
) -> list[RouteTiming]:
    timing = {key: prometheus_duration(route.get(key), parent[key]) for key in parent}
    receiver = str(route.get("receiver", receiver))
    found: list[RouteTiming] = []
    for child in route.get("routes") or []:
        if route_matches(child, labels):
            found.extend(_walk(child, labels, timing, receiver))
            if not child.get("continue", False):
                break
    return found or [RouteTiming(receiver, timing["group_wait"], timing["group_interval"])]


def route_matches(route: dict[str, Any], labels: dict[str, str]) -> bool:
    conditions: list[tuple[str, str, str]] = []
    for text in route.get("matchers") or []:
        parsed = _MATCHER.match(text)
        if parsed is None:
            return False
        conditions.append((parsed[1], parsed[2], parsed[3]))
    conditions += [(k, "=", str(v)) for k, v in (route.get("match") or {}).items()]
    conditions += [(k, "=~", str(v)) for k, v in (route.get("match_re") or {}).items()]
    return all(_holds(labels.get(name, ""), op, value) for name, op, value in conditions)


def _holds(actual: str, op: str, value: str) -> bool:
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    found = re.fullmatch(value, actual) is not None
    return found if op == "=~" else not found
