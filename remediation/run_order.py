"""The order a run's drills go in: the files' order, except where a drill would
only wait for the drill before it.

Two residues of one drill make the next one wait in its steady state
(remediation/steady_state.py), and both are known before the run from the live
rules:

- load: a drill that ran load leaves its traffic in every window, and an expected
  alert that divides by traffic (a ratio, a quantile) waits its longest window
  after that drill (remediation/quiet_inputs.py);
- inhibition: an expected alert the drill does not wait to see resolved keeps
  firing for its window (and `keep_firing_for`) after the drill, and holds back
  the next drill's alerts it would inhibit (remediation/inhibition.py).

`plan_order` places, at each step, the first drill in file order whose wait is
shortest, with each drill's duration taken from the last run in the history (or a
default). Drills that wait for nothing keep their order, so a run of drills that
never wait is the files' order; only the waits move. What neither residue
describes is not modelled: a drill whose alert reads a long window of errors
(auth-down's six-minute slow burn) waits for any earlier error drill, and its
place in file order is what keeps it early."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.history import History
from harness.settings import Settings
from remediation.inhibition import read_inhibit_rules
from remediation.monitoring import Monitoring
from remediation.promql import longest_window_s
from remediation.quiet_inputs import is_relative_to_traffic
from remediation.validation import ValidDrill

DEFAULT_DURATION_S = 45.0


@dataclass(frozen=True)
class DrillNeeds:
    """What one drill leaves behind and what it must wait for."""

    name: str
    runs_load: bool = False
    traffic_window_s: float = 0.0
    """Longest window of an expected alert that divides by traffic (0: none)."""
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Labels of the alerts it expects to fire or to see inhibited, by name."""
    lingering_s: Mapping[str, float] = field(default_factory=dict)
    """Expected alerts it does not await resolved: how long each may stay firing."""
    duration_s: float = DEFAULT_DURATION_S


Inhibits = Callable[[Mapping[str, str], Mapping[str, str]], bool]


@dataclass(frozen=True)
class PlannedOrder:
    names: tuple[str, ...]
    waits_s: Mapping[str, float]
    """The estimated steady-state wait of each drill in this order."""
    file_order_waits_s: float

    @property
    def moved(self) -> bool:
        return sum(self.waits_s.values()) < self.file_order_waits_s

    def describe(self) -> str:
        return (
            f"run order {', '.join(self.names)}: an estimated "
            f"{sum(self.waits_s.values()):.0f} s of steady-state waits "
            f"(file order: {self.file_order_waits_s:.0f} s)"
        )


@dataclass
class _Run:
    """A run simulated drill by drill, with the estimated wait of each."""

    inhibits: Inhibits
    now: float = 0.0
    load_ended: float | None = None
    done: list[tuple[DrillNeeds, float]] = field(default_factory=list)
    waits: dict[str, float] = field(default_factory=dict)

    def wait(self, drill: DrillNeeds) -> float:
        ready = 0.0
        if self.load_ended is not None and drill.traffic_window_s:
            ready = self.load_ended + drill.traffic_window_s
        for earlier, ended in self.done:
            for alert, linger in earlier.lingering_s.items():
                source = earlier.labels.get(alert, {})
                if any(self.inhibits(source, target) for target in drill.labels.values()):
                    ready = max(ready, ended + linger)
        return max(0.0, ready - self.now)

    def place(self, drill: DrillNeeds) -> None:
        self.waits[drill.name] = self.wait(drill)
        self.now += self.waits[drill.name] + drill.duration_s
        self.done.append((drill, self.now))
        if drill.runs_load:
            self.load_ended = self.now


def plan_order(drills: Sequence[DrillNeeds], inhibits: Inhibits) -> PlannedOrder:
    """Greedy: the next drill is the one with the shortest estimated wait, the
    earliest in file order among equals."""
    in_file_order = _Run(inhibits)
    for drill in drills:
        in_file_order.place(drill)
    planned, remaining = _Run(inhibits), list(drills)
    while remaining:
        best = min(remaining, key=planned.wait)
        planned.place(best)
        remaining.remove(best)
    return PlannedOrder(
        tuple(d.name for d, _ in planned.done),
        planned.waits,
        sum(in_file_order.waits.values()),
    )


def drill_needs(
    name: str,
    *,
    expected: Sequence[str],
    inhibited: Sequence[str],
    awaited_resolved: Sequence[str],
    runs_load: bool,
    rules: Sequence[Mapping[str, Any]],
    duration_s: float | None,
) -> DrillNeeds:
    """A drill's needs from the live rules (`PrometheusClient.rules()`)."""
    alerting = {str(r["name"]): r for r in rules if r.get("type", "alerting") == "alerting"}
    recording = {str(r["name"]): str(r["query"]) for r in rules if r.get("type") == "recording"}
    traffic_window, labels, lingering = 0.0, {}, {}
    for alert in [*expected, *inhibited]:
        rule = alerting.get(alert)
        if rule is None:
            continue
        expr = str(rule["query"])
        labels[alert] = {**(rule.get("labels") or {}), "alertname": alert}
        window = longest_window_s(expr, recording)
        if alert in expected and is_relative_to_traffic(expr, recording):
            traffic_window = max(traffic_window, window)
        if alert in expected and alert not in awaited_resolved:
            lingering[alert] = window + float(rule.get("keepFiringFor") or 0)
    return DrillNeeds(
        name,
        runs_load,
        traffic_window,
        labels,
        lingering,
        DEFAULT_DURATION_S if duration_s is None else duration_s,
    )


def order_drills(drills: Sequence[ValidDrill], settings: Settings) -> PlannedOrder:
    """Plan the order of a run's drills from the live rules and inhibit rules and the
    durations of the last run in the history. Raises InfrastructureError when
    Prometheus or Alertmanager cannot be read."""
    runs = History(settings.history_dir).runs(settings.target.name)
    last = runs[-1].drills if runs else {}
    with Monitoring.open(settings) as monitoring:
        rules = monitoring.prometheus.rules()
        inhibit_rules = read_inhibit_rules(monitoring.alertmanager.config_yaml())
    needs = [
        drill_needs(
            valid.drill.name,
            expected=[a.name for a in valid.alerts],
            inhibited=valid.drill.expect.inhibited,
            awaited_resolved=[a.name for a in valid.alerts if a.resolve_within is not None],
            runs_load=valid.drill.load is not None,
            rules=rules,
            duration_s=last.get(valid.drill.name, {}).get("duration_s"),
        )
        for valid in drills
    ]
    return plan_order(
        needs, lambda source, target: any(r.inhibits(source, target) for r in inhibit_rules)
    )


__all__ = ["DrillNeeds", "PlannedOrder", "drill_needs", "order_drills", "plan_order"]
