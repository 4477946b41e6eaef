"""A drill as data: loaded from a `*.drill.yaml` file, validated, frozen.

name: app-crash
fault: {kind: crash-process, workload: idp}
journeys: [login]
expect:
  alerts:
    - {name: IDPDown, priority: P0, within: 30s, receivers: [...], not_receivers: [...]}
  recovery:
    restart: {workload: idp, within: 30s}
    journeys_green: {journey: login, within: 60s}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from harness.configfile import SourceMap, load_model
from harness.contract import Contract
from harness.fault_specs import FaultSpec, FaultSpecBase
from harness.journey_pack import JOURNEY_NAME, JourneyPack
from harness.load_specs import LoadExpectation, LoadSpec, SpikeShape
from harness.receivers import EvidenceTier
from harness.target import TargetConfig
from harness.types import Frozen, Priority, Seconds

JourneyName = Annotated[str, Field(pattern=JOURNEY_NAME)]
"""A journey of the target's journey pack (checked against the target's pack)."""
Profile = Literal["smoke", "gate", "nightly"]
PlatformKind = Literal["docker", "kubernetes"]


class AlertExpectation(Frozen):
    """An expected alert. `within`, `receivers` and `not_receivers` default to the
    target's priority contract (detection deadline, the priority's receivers, every
    other receiver of the contract); a drill may still give them."""

    name: str
    priority: Priority
    within: Seconds | None = None
    receivers: list[str] | None = Field(default=None, min_length=1)
    not_receivers: list[str] | None = None
    resolve_within: Seconds | None = None
    notification_grace: Seconds = 2.0
    evidence: EvidenceTier | dict[str, EvidenceTier] | None = None
    """The evidence each receiver check needs (routed < delivered < received), for
    every receiver or per receiver; default: the strongest the target can show."""

    @model_validator(mode="after")
    def _receivers_disjoint(self) -> AlertExpectation:
        both = sorted(set(self.receivers or []) & set(self.not_receivers or []))
        if both:
            raise ValueError(f"receivers and not_receivers both name {', '.join(both)}")
        return self


@dataclass(frozen=True)
class AlertContract:
    """An expected alert with every term decided (from the drill, else the contract)."""

    name: str
    priority: Priority
    within: float
    receivers: tuple[str, ...]
    not_receivers: tuple[str, ...]
    resolve_within: float | None
    notification_grace: float
    from_contract: tuple[str, ...] = ()
    """Which terms came from the contract (for reports)."""
    evidence: Mapping[str, EvidenceTier] = field(default_factory=dict)
    """Receiver -> the evidence its check needs (decided against the target)."""

    def required(self, receiver: str) -> EvidenceTier:
        return self.evidence.get(receiver, EvidenceTier.ROUTED)


def resolve_alerts(
    drill: Drill, source: SourceMap, contract: Contract | None
) -> list[AlertContract]:
    """Each expected alert with its deadline and receivers; a term neither the drill
    nor the contract gives is a ConfigError at the alert's line."""
    resolved = []
    for index, alert in enumerate(drill.expect.alerts):
        terms = None if contract is None else contract.priorities.get(alert.priority)
        place = ("expect", "alerts", index)
        within = alert.within if alert.within is not None else (terms.detection if terms else None)
        receivers = alert.receivers or (terms.receivers if terms else None)
        if within is None or receivers is None:
            why = (
                "the target names no contract"
                if contract is None
                else f"the contract has no priority {alert.priority}"
            )
            raise source.error(place, f"give within and receivers: {why}")
        defaulted = [
            n for n in ("within", "receivers", "not_receivers") if getattr(alert, n) is None
        ]
        if alert.not_receivers is not None:
            not_receivers = alert.not_receivers
        else:
            not_receivers = [] if contract is None else contract.must_not(alert.priority)
        clash = sorted(set(receivers) & set(not_receivers))
        if clash:
            raise source.error(place, f"{', '.join(clash)} both must and must not be notified")
        resolved.append(
            AlertContract(
                alert.name,
                alert.priority,
                within,
                tuple(receivers),
                tuple(r for r in not_receivers if r not in receivers),
                alert.resolve_within,
                alert.notification_grace,
                tuple(defaulted) if terms is not None else (),
            )
        )
    return resolved


class RestartExpectation(Frozen):
    workload: str
    within: Seconds


class JourneysGreenExpectation(Frozen):
    """The journey is back: the first of `consecutive` successes in a row after the fault."""

    journey: JourneyName
    within: Seconds
    consecutive: int = Field(default=3, ge=1, le=20)


class ScaleExpectation(Frozen):
    """The platform scales the workload out under the stress, and back in after it.
    `back_within` counts from the end of the stress: a traffic surge's spike end,
    or the revert of any other fault."""

    workload: str
    at_least: int = Field(ge=2)
    within: Seconds
    back_to: int | None = Field(default=None, ge=0)
    back_within: Seconds | None = None

    @model_validator(mode="after")
    def _back_pair(self) -> ScaleExpectation:
        if (self.back_to is None) != (self.back_within is None):
            raise ValueError("give back_to and back_within together")
        return self


class FailoverExpectation(Frozen):
    """The database fails over: a new primary and writes acknowledged again within
    `within` of the fault (RTO), and every row acknowledged before or during the
    fault still there afterwards (RPO 0). Needs the target's `data_probe`."""

    within: Seconds


class ConditionExpectation(Frozen):
    """A platform signal that must hold within `within` of the fault: a PromQL
    expression with a non-empty result (`sum(idp_plugin_circuit_open) >= 2`). For
    remediation with no dedicated check: circuit breakers open, clients blocked,
    caches warmed again."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    query: str = Field(min_length=1)
    within: Seconds


class RecoveryExpectations(Frozen):
    restart: RestartExpectation | None = None
    scale: ScaleExpectation | None = None
    failover: FailoverExpectation | None = None
    conditions: list[ConditionExpectation] = Field(default_factory=list)
    journeys_green: JourneysGreenExpectation | None = None


class EscalationExpectation(Frozen):
    """The incident of an expected page, followed on its PagerDuty service along the
    contract's escalation levels for the alert's priority. `acknowledge: never`:
    nobody answers, so every level must be notified in order, each within its
    window. `at_once`: pagerdrill acknowledges the incident as soon as it opens (as
    level 1's first person), and no level after it may be notified."""

    alert: str
    receiver: str
    """The PagerDuty receiver whose incident is followed (a reader must read it)."""
    acknowledge: Literal["never", "at_once"] = "never"


class IncidentToolExpectation(Frozen):
    """A tool the incident automation must open for an expected alert's incident (a
    war room, a status-page incident), within `opens_within` of the fault, and close
    within `closes_within` of the recovery."""

    alert: str
    opens_within: Seconds
    closes_within: Seconds


class NotificationExpectations(Frozen):
    content: bool = False
    """Every notification of the expected alerts that a reader returns with its text
    is checked for the audience the contract gives its receiver: no `<no value>` and
    no raw label dump; an engineer's (on-call, team, security) carries the alert's
    summary and a runbook link that answers 200; an executive's carries the alert's
    impact statement and no query; a resolved one says so."""


class Expectations(Frozen):
    alerts: list[AlertExpectation] = Field(default_factory=list)
    escalation: EscalationExpectation | None = None
    war_room: IncidentToolExpectation | None = None
    status_page: IncidentToolExpectation | None = None
    notifications: NotificationExpectations = NotificationExpectations()
    recovery: RecoveryExpectations = RecoveryExpectations()
    load: LoadExpectation | None = None
    page_priorities: list[Priority] = Field(default_factory=lambda: [Priority.P0, Priority.P1])
    """An alert the drill does not expect fails it when, between the fault and the end
    of the drill, it notifies a receiver while it is of one of these priorities (its
    `priority` label, else the contract's), or reaches a receiver the contract gives
    to one of them. `[]`: such pages are listed, never failed."""
    allow_alerts: list[str] = Field(default_factory=list)
    """Alerts that may page during this drill without failing it (listed all the same)."""
    inhibited: list[str] = Field(default_factory=list)
    """Alerts the fault honestly fires too (symptoms of the expected cause) that the
    platform's inhibition must hold back: each must fire, be shown inhibited by
    Alertmanager and reach no receiver."""
    page_grace: Seconds = Field(default=5.0, le=600)
    """Pages are watched from the fault to the drill's end, and at least this long
    after the revert: a page can come after the fault is gone (evaluation, `for`,
    group_wait). Raise it on a platform with slower timings."""

    @model_validator(mode="after")
    def _allowed_not_expected(self) -> Expectations:
        expected = {a.name for a in self.alerts}
        for field_name, names in (
            ("allow_alerts", self.allow_alerts),
            ("inhibited", self.inhibited),
        ):
            both = sorted(expected & set(names))
            if both:
                raise ValueError(f"{field_name} names expected alerts: {', '.join(both)}")
        for name, follows in (
            ("escalation", self.escalation),
            ("war_room", self.war_room),
            ("status_page", self.status_page),
        ):
            if follows is not None and follows.alert not in expected:
                raise ValueError(f"{name} follows {follows.alert}, not an expected alert")
        both = sorted(set(self.allow_alerts) & set(self.inhibited))
        if both:
            raise ValueError(f"alerts both allowed to page and inhibited: {', '.join(both)}")
        return self


class Drill(Frozen):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    profiles: tuple[Profile, ...] = ("nightly",)
    platforms: tuple[PlatformKind, ...] = ("docker", "kubernetes")
    """The platforms the drill is written for; a run against a target on another
    platform leaves it out (as a profile does)."""
    steady_state_timeout: Seconds = 60.0
    quiet_margin: float = Field(default=0.9, ge=0, le=1)
    """Before the fault each expected alert's inputs must be this share of the way
    from its threshold to zero (0.9: at most a tenth of a positive threshold)."""
    fault: FaultSpec
    load: LoadSpec | None = None
    journeys: list[JourneyName] = Field(default_factory=list)
    expect: Expectations

    @model_validator(mode="after")
    def _surge_needs_a_spike(self) -> Drill:
        if any(f.acts_on == "load" for f in self.fault.parts()) and not (
            self.load is not None and isinstance(self.load.shape, SpikeShape)
        ):
            raise ValueError("fault traffic-surge needs a load with a spike shape")
        if self.expect.load is not None and self.load is None:
            raise ValueError("expect.load needs a load")
        return self


def load_drill(path: Path) -> tuple[Drill, SourceMap]:
    """Validate a drill file on its own (syntax, types, closed sets)."""
    return load_model(path, Drill)


def check_against_target(
    drill: Drill,
    source: SourceMap,
    target: TargetConfig,
    pack: JourneyPack,
    contract: Contract | None = None,
) -> list[AlertContract]:
    """Cross-checks a drill file against the target and its contract, before anything
    is touched; returns the drill's alerts with every term decided."""
    workloads = target.platform.workloads
    known = ", ".join(sorted(workloads))
    steps = drill.fault.parts()
    for index, fault in enumerate(steps):
        where: tuple[str | int, ...] = (
            ("fault", "steps", index, "fault") if len(steps) > 1 else ("fault",)
        )
        _check_fault(fault, source, target, where)
    restart = drill.expect.recovery.restart
    if restart is not None and restart.workload not in workloads:
        raise source.error(
            ("expect", "recovery", "restart", "workload"),
            f"unknown workload {restart.workload!r}; the target has: {known}",
        )
    scale = drill.expect.recovery.scale
    if scale is not None and scale.workload not in workloads:
        raise source.error(
            ("expect", "recovery", "scale", "workload"),
            f"unknown workload {scale.workload!r}; the target has: {known}",
        )
    if drill.expect.recovery.failover is not None and target.data_probe is None:
        raise source.error(
            ("expect", "recovery", "failover"),
            "the target names no data_probe database to prove that no write is lost",
        )
    for index, journey in enumerate(drill.journeys):
        if journey not in pack.journeys:
            raise source.error(
                ("journeys", index),
                f"the target's journey pack {pack.name!r} has no journey {journey!r}; "
                f"it has: {', '.join(pack.journeys)}",
            )
    green = drill.expect.recovery.journeys_green
    if green is not None and green.journey not in drill.journeys:
        raise source.error(
            ("expect", "recovery", "journeys_green", "journey"),
            f"journey {green.journey!r} is not in this drill's journeys",
        )
    return resolve_alerts(drill, source, contract)


def _check_fault(
    fault: FaultSpecBase, source: SourceMap, target: TargetConfig, where: tuple[str | int, ...]
) -> None:
    """One fault (of a compound: each step's, at `where`) against what the target names."""
    workloads = target.platform.workloads
    known = ", ".join(sorted(workloads))
    kind = getattr(fault, "kind", "?")
    workload = getattr(fault, "workload", None)
    if fault.acts_on == "workload" and workload not in workloads:
        raise source.error(
            (*where, "workload"), f"unknown workload {workload!r}; the target has: {known}"
        )
    if fault.acts_on == "database primary" and target.platform.database is None:
        raise source.error(
            (*where, "kind"), "the target names no platform.database to find the primary in"
        )
    if fault.acts_on == "database" and target.data_probe is None:
        raise source.error(
            (*where, "kind"), f"{kind} needs the target's data_probe database connection"
        )
    if fault.acts_on == "app hooks" and target.app.admin_token is None:
        raise source.error(
            (*where, "kind"),
            f"{kind} needs the app's fault hooks; the target names no app.admin_token",
        )
