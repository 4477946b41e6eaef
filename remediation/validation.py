"""A drill checked against its target once, before anything is touched: the target
has what the drill names, the contract decides every alert term, and the
target's platform can do the fault."""

from __future__ import annotations

from dataclasses import dataclass, replace

from chaos.adapters import check_capabilities
from harness.configfile import SourceMap
from harness.drill import AlertContract, Drill, check_against_target
from harness.load_specs import LoadSpec
from harness.receivers import EvidenceTier, PagerDutyReader
from harness.settings import Settings
from harness.target import TargetConfig
from load.runner import check_user_classes, find_locustfile


@dataclass(frozen=True)
class ValidDrill:
    drill: Drill
    source: SourceMap
    alerts: tuple[AlertContract, ...]


def validate_drill(drill: Drill, source: SourceMap, settings: Settings) -> ValidDrill:
    """Raises ConfigError naming the drill file, line and field::

    valid = validate_drill(*load_drill(Path("drills/app-crash.drill.yaml")), settings)
    """
    alerts = check_against_target(
        drill, source, settings.target, settings.journey_pack, settings.contract
    )
    alerts = decide_evidence(drill, source, alerts, settings.target)
    check_escalation(drill, source, alerts, settings)
    check_incident_response(drill, source, alerts, settings)
    check_capabilities(drill, source, settings.target.platform)
    if drill.load is not None:
        drill = drill.model_copy(update={"load": _located(drill.load, source, settings)})
    return ValidDrill(drill, source, tuple(alerts))


def _located(load: LoadSpec, source: SourceMap, settings: Settings) -> LoadSpec:
    """The load with its locustfile found (next to the target file first) and its
    user classes checked."""
    try:
        locustfile = find_locustfile(load.locustfile, settings.target_path.parent)
    except ValueError as exc:
        raise source.error(("load", "locustfile"), str(exc)) from exc
    try:
        check_user_classes(locustfile, load.user_classes)
    except ValueError as exc:
        raise source.error(("load", "user_classes"), str(exc)) from exc
    return load.model_copy(update={"locustfile": locustfile})


def check_escalation(
    drill: Drill, source: SourceMap, alerts: list[AlertContract], settings: Settings
) -> None:
    """An escalation is followed on a receiver of the alert that a PagerDuty reader
    reads, along levels the contract gives the alert's priority."""
    wanted = drill.expect.escalation
    if wanted is None:
        return
    alert = next(a for a in alerts if a.name == wanted.alert)
    if wanted.receiver not in alert.receivers:
        raise source.error(
            ("expect", "escalation", "receiver"),
            f"{wanted.receiver} is not a receiver of {alert.name} "
            f"(its receivers: {', '.join(alert.receivers)})",
        )
    reader = settings.target.receivers.get(wanted.receiver)
    if not isinstance(reader, PagerDutyReader):
        raise source.error(
            ("expect", "escalation", "receiver"),
            f"{wanted.receiver}: following an escalation needs a `kind: pagerduty` reader "
            "for it under the target's `receivers`",
        )
    contract = settings.contract
    terms = None if contract is None else contract.priorities.get(alert.priority)
    if terms is None or not terms.escalation:
        raise source.error(
            ("expect", "escalation", "alert"),
            f"the contract gives {alert.priority} no escalation levels to follow",
        )


def check_incident_response(
    drill: Drill, source: SourceMap, alerts: list[AlertContract], settings: Settings
) -> None:
    """A war room or status-page incident is expected only where the target reads that
    tool and the contract requires it at the alert's priority; content is checked
    against the contract's audiences."""
    expect, target, contract = drill.expect, settings.target, settings.contract
    for name, wanted, reader in (
        ("war_room", expect.war_room, target.war_room),
        ("status_page", expect.status_page, target.status_page),
    ):
        if wanted is None:
            continue
        if reader is None:
            raise source.error(
                ("expect", name), f"the target has no `{name}` reader to read it back from"
            )
        priority = next(a.priority for a in alerts if a.name == wanted.alert)
        terms = None if contract is None else contract.priorities.get(priority)
        if terms is not None and not getattr(terms, name):
            raise source.error(
                ("expect", name, "alert"),
                f"the contract does not require a {name.replace('_', ' ')} at {priority}",
            )
    if expect.notifications.content and (contract is None or not contract.audiences):
        raise source.error(
            ("expect", "notifications", "content"),
            "checking content needs the contract's `audiences` (who reads each receiver)",
        )


def strongest_evidence(target: TargetConfig, receiver: str) -> EvidenceTier:
    """The strongest evidence the target can show for `receiver`."""
    sink = target.notification_sink
    if receiver in target.receivers or (sink is not None and receiver not in sink.uncaptured):
        return EvidenceTier.RECEIVED
    if target.alertmanager.receiver_metrics:
        return EvidenceTier.DELIVERED
    return EvidenceTier.ROUTED


def decide_evidence(
    drill: Drill, source: SourceMap, alerts: list[AlertContract], target: TargetConfig
) -> list[AlertContract]:
    """Each alert's receivers with the evidence their checks need: the drill's, else
    the strongest the target can show; more than the target can show is a ConfigError."""
    decided = []
    for index, (alert, spec) in enumerate(zip(alerts, drill.expect.alerts, strict=True)):
        place = ("expect", "alerts", index, "evidence")
        asked = spec.evidence
        if isinstance(asked, dict):
            unknown = sorted(set(asked) - set(alert.receivers))
            if unknown:
                raise source.error(
                    place,
                    f"{', '.join(unknown)} is not a receiver of {alert.name} "
                    f"(its receivers: {', '.join(alert.receivers)})",
                )
        evidence = {}
        for receiver in alert.receivers:
            best = strongest_evidence(target, receiver)
            wanted = asked.get(receiver, best) if isinstance(asked, dict) else (asked or best)
            if best < wanted:
                raise source.error(place, _cannot_show(receiver, wanted, target))
            evidence[receiver] = wanted
        decided.append(replace(alert, evidence=evidence))
    return decided


def _cannot_show(receiver: str, wanted: EvidenceTier, target: TargetConfig) -> str:
    if wanted is EvidenceTier.RECEIVED:
        listed = ", ".join(sorted(target.receivers)) or "none"
        return (
            f"{receiver}: `received` needs a reader for it under the target's `receivers` "
            f"(listed: {listed}) or a notification_sink"
        )
    return (
        f"{receiver}: `delivered` needs Alertmanager's per-receiver notification metrics; "
        "the target says alertmanager.receiver_metrics: false"
    )
