"""Alert coverage: for every live alert rule and receiver, whether a drill ever
proved it (when, which drill, measured MTTD), whether it fired or was reached in
a drill without being asserted, or whether nothing ever touched it. Computed
from the stored runs (the history) and the live rules and receivers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from prometheus_client import CollectorRegistry, Gauge

from harness.clients import AlertmanagerClient, PrometheusClient
from harness.contract import Contract
from harness.events import EventKind
from harness.history import PastRun
from harness.results import Verdict
from harness.sli import push_registry
from harness.stages import Stage, StageKind, of_kind
from harness.target import TargetConfig

Status = Literal["proven", "fired, never asserted", "never fired", "not drillable"]
STATUSES: tuple[Status, ...] = ("proven", "fired, never asserted", "never fired", "not drillable")


@dataclass(frozen=True)
class Covered:
    """One rule or receiver and what the drills did with it."""

    name: str
    priority: str | None
    status: Status
    drill: str | None = None
    when: str | None = None
    mttd_s: float | None = None
    reason: str | None = None
    """Why no drill can prove it (the contract's `not_drillable`)."""

    def describe(self) -> str:
        if self.status == "proven":
            return f"proven by {self.drill} at {self.when} (MTTD {self.mttd_s:.2f} s)"
        if self.status == "fired, never asserted":
            return f"fired in {self.drill} at {self.when}, but no drill asserts it"
        if self.status == "not drillable":
            return f"not drillable (the contract says: {self.reason})"
        return "never fired in any drill"

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "priority": self.priority,
            "status": self.status,
            "drill": self.drill,
            "when": self.when,
            "mttd_s": None if self.mttd_s is None else round(self.mttd_s, 3),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Coverage:
    rules: tuple[Covered, ...]
    receivers: tuple[Covered, ...]

    def ratio(self, items: Iterable[Covered]) -> float | None:
        """The share proven, of what a drill can prove."""
        listed = [i for i in items if i.status != "not drillable"]
        if not listed:
            return None
        return sum(1 for i in listed if i.status == "proven") / len(listed)

    def ratios(self) -> dict[str, float | None]:
        return {
            "rules": self.ratio(self.rules),
            "p0_rules": self.ratio(r for r in self.rules if r.priority == "P0"),
            "receivers": self.ratio(self.receivers),
        }

    def as_json(self) -> dict[str, object]:
        return {
            "ratios": self.ratios(),
            "rules": [r.as_json() for r in self.rules],
            "receivers": [r.as_json() for r in self.receivers],
        }


def _drills(runs: Iterable[PastRun]) -> list[dict[str, Any]]:
    """Every stored drill result, newest last."""
    return [drill for run in runs for drill in run.drills.values()]


def _latest(
    found: Sequence[tuple[dict[str, Any], float | None]],
) -> tuple[str, str, float | None]:
    drill, mttd = found[-1]
    return str(drill["drill"]), str(drill["finished_at"]), mttd


def compute(
    rules: list[tuple[str, str | None]],
    receivers: list[str],
    runs: Iterable[PastRun],
    not_drillable: Mapping[str, str] | None = None,
) -> Coverage:
    """`rules` as (alert name, priority label); `receivers` as Alertmanager names them;
    `not_drillable`: reason by alert (a rule proven all the same counts as proven)."""
    exempt = not_drillable or {}
    drills = _drills(runs)
    passed = [d for d in drills if d.get("verdict") == Verdict.PASSED]
    covered_rules = []
    for name, priority in sorted(rules):
        firing = Stage(StageKind.FIRING, name).key
        proofs = [(d, d["mttd_s"][firing]) for d in passed if firing in d.get("mttd_s", {})]
        seen = [(d, None) for d in drills if name in d.get("alerts_seen", [])]
        covered = _covered(name, priority, proofs, seen)
        if covered.status != "proven" and name in exempt:
            covered = Covered(name, priority, "not drillable", reason=exempt[name])
        covered_rules.append(covered)
    covered_receivers = []
    for receiver in sorted(receivers):
        proofs = []
        for d in passed:
            notified = of_kind(d.get("mttd_s", {}), StageKind.NOTIFIED)
            stages = [v for stage, v in notified.items() if stage.receiver == receiver]
            if stages:
                proofs.append((d, min(stages)))
        seen = [
            (d, None)
            for d in drills
            if any(
                e.get("kind") == EventKind.NOTIFICATION_FIRING and e.get("receiver") == receiver
                for e in d.get("timeline", [])
            )
        ]
        covered_receivers.append(_covered(receiver, None, proofs, seen))
    return Coverage(tuple(covered_rules), tuple(covered_receivers))


def _covered(
    name: str,
    priority: str | None,
    proofs: Sequence[tuple[dict[str, Any], float | None]],
    seen: Sequence[tuple[dict[str, Any], float | None]],
) -> Covered:
    if proofs:
        drill, when, mttd = _latest(proofs)
        return Covered(name, priority, "proven", drill, when, mttd)
    if seen:
        drill, when, _ = _latest(seen)
        return Covered(name, priority, "fired, never asserted", drill, when)
    return Covered(name, priority, "never fired")


def table(coverage: Coverage) -> str:
    lines = []
    for title, items in (("rule", coverage.rules), ("receiver", coverage.receivers)):
        for item in items:
            priority = f" [{item.priority}]" if item.priority else ""
            lines.append(f"{title:<8} {item.name}{priority}: {item.describe()}")
    ratios = coverage.ratios()
    lines.append(
        "coverage: "
        + ", ".join(
            f"{scope} {'-' if r is None else f'{100 * r:.0f} %'}" for scope, r in ratios.items()
        )
    )
    return "\n".join(lines)


def live_coverage(
    target: TargetConfig, contract: Contract | None, runs: Iterable[PastRun]
) -> tuple[Coverage, list[dict[str, Any]]]:
    """Coverage of the live rules and receivers (receivers of the contract, when there
    is one: a fallback receiver nothing should reach is no gap); also the rules."""
    with (
        PrometheusClient(target.prometheus.url) as prometheus,
        AlertmanagerClient(target.alertmanager.url) as alertmanager,
    ):
        rules = prometheus.alerting_rules()
        receivers = alertmanager.receivers()
    if contract is not None:
        receivers = [r for r in receivers if r in contract.receivers]
    named = [(str(r["name"]), (r.get("labels") or {}).get("priority")) for r in rules]
    exempt = {} if contract is None else contract.not_drillable
    return compute(named, receivers, runs, exempt), rules


def as_past_run(document: dict[str, Any]) -> PastRun:
    """The run being published, in the shape of the stored ones."""
    drills = {d["drill"]: d for d in document.get("drills", [])}
    finished = max((d["finished_at"] for d in drills.values()), default="")
    return PastRun(document["run_id"], finished, document["target"], drills)


def push_coverage_slis(coverage: Coverage, pushgateway_url: str, environment: str) -> None:
    """Alert coverage, grouped by environment (a dashboard tracks it over time):

    pagerdrill_coverage_items{kind="rule|receiver",status}   rules and receivers by status
    pagerdrill_coverage_ratio{scope="rules|p0_rules|receivers"}  share proven by a drill
    """
    registry = CollectorRegistry()
    items = Gauge(
        "pagerdrill_coverage_items", "Rules and receivers by status.", ["kind", "status"],
        registry=registry,
    )  # fmt: skip
    for kind, covered in (("rule", coverage.rules), ("receiver", coverage.receivers)):
        for status in STATUSES:
            items.labels(kind, status).set(sum(1 for c in covered if c.status == status))
    ratio = Gauge(
        "pagerdrill_coverage_ratio", "Share proven by a drill.", ["scope"], registry=registry
    )
    for scope, value in coverage.ratios().items():
        if value is not None:
            ratio.labels(scope).set(value)
    push_registry(pushgateway_url, registry, {"environment": environment, "report": "coverage"})
