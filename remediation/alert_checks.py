"""Alert contract checks on what was observed: the alert fired, at its priority,
within its deadline, reached each expected receiver with the evidence its check
needs (routed, delivered or received), and no other receiver."""

from __future__ import annotations

from harness.receivers import EvidenceTier
from harness.results import Check
from remediation.alerts import AlertObservation


def alert_checks(observation: AlertObservation) -> list[Check]:
    exp = observation.expectation
    checks = [_fired(observation), _priority(observation)]
    checks += [_receiver_check(observation, receiver) for receiver in exp.receivers]
    checks.append(_no_other_receivers(observation))
    return checks


def _receiver_check(observation: AlertObservation, receiver: str) -> Check:
    exp = observation.expectation
    required = exp.required(receiver)
    name = f"{exp.name} notified {receiver} within {exp.within:g} s"
    proven = observation.strongest(receiver)
    evidence = {
        "evidence": None if proven is None else str(proven),
        "evidence_required": str(required),
    }
    unproven = observation.unproven(receiver)
    at = observation.proven_at(receiver, required)
    if unproven is not None or at is None:
        missing = _missing(observation, receiver, unproven or required)
        return Check(
            name, False, f"{missing} (evidence required: {required})", None, exp.within, **evidence
        )
    delay = at - observation.fault_at
    shown = ", ".join(observation.needed(receiver))
    return Check(
        name,
        delay <= exp.within,
        f"{_proof(observation, receiver, required)} {delay:.2f} s after the fault "
        f"(shown: {shown}; required: {required})",
        delay,
        exp.within,
        **evidence,
    )


def _proof(observation: AlertObservation, receiver: str, tier: EvidenceTier) -> str:
    if tier is EvidenceTier.RECEIVED:
        got = observation.first_notified()[receiver]
        return f"{receiver} ({got.channel}) received it"
    if tier is EvidenceTier.DELIVERED:
        delivery = (observation.deliveries or {})[receiver]
        ok = delivery.requests - delivery.failed
        return f"Alertmanager delivered to {receiver} ({ok} of {delivery.requests} requests ok)"
    return f"Alertmanager routed it to {receiver}"


def _missing(observation: AlertObservation, receiver: str, tier: EvidenceTier) -> str:
    """Why `receiver` does not show `tier` (the weakest tier it lacks)."""
    name, within = observation.expectation.name, observation.expectation.within
    if tier is EvidenceTier.ROUTED:
        routed = ", ".join(sorted(observation.routed)) or "no receiver"
        return (
            f"Alertmanager did not route {name} to {receiver} within {within:g} s "
            f"(it routed it to {routed})"
        )
    if tier is EvidenceTier.DELIVERED:
        return _undelivered(observation, receiver)
    if receiver not in observation.read:
        return f"{name} reached {receiver}, but no reader of the target reads {receiver} back"
    return (
        f"{name} was routed to {receiver}, but {receiver}'s own system has no {name} "
        f"notification within {within:g} s of the fault"
    )


def _undelivered(observation: AlertObservation, receiver: str) -> str:
    name, within = observation.expectation.name, observation.expectation.within
    delivery = (observation.deliveries or {}).get(receiver)
    if observation.deliveries is None:
        return (
            f"{name} was routed to {receiver}, but Alertmanager does not count notifications "
            "per receiver (it needs 0.27+ with --enable-feature=receiver-name-in-metrics)"
        )
    if delivery is None:
        return (
            f"{name} was routed to {receiver}, but Alertmanager made no notification "
            f"request to it within {within:g} s"
        )
    if delivery.failed:
        return (
            f"{name} was routed to {receiver}, but all {delivery.failed} of Alertmanager's "
            f"{delivery.requests} notification requests to it failed (delivered tier): "
            "check the receiver's URL, port and credentials"
        )
    return f"{name} was routed to {receiver}; Alertmanager's request to it is still in flight"


def _fired(observation: AlertObservation) -> Check:
    exp = observation.expectation
    name = f"{exp.name} fired within {exp.within:g} s"
    if observation.firing is None:
        seen = "it went pending" if observation.pending else "it never went pending either"
        return Check(
            name,
            False,
            f"{exp.name} did not fire within {exp.within:g} s of the fault ({seen})",
            None,
            exp.within,
        )
    delay = observation.firing.at - observation.fault_at
    return Check(
        name,
        delay <= exp.within,
        f"{exp.name} firing {delay:.2f} s after the fault",
        delay,
        exp.within,
    )


def _priority(observation: AlertObservation) -> Check:
    exp = observation.expectation
    name = f"{exp.name} has priority {exp.priority}"
    if observation.firing is None:
        return Check(name, False, f"{exp.name} did not fire, so its priority is unknown")
    actual = observation.firing.labels.get("priority", "<no priority label>")
    if actual != exp.priority:
        return Check(
            name, False, f"{exp.name} fired with priority {actual}, expected {exp.priority}"
        )
    return Check(name, True, f"{exp.name} fired with priority {actual}")


def _no_other_receivers(observation: AlertObservation) -> Check:
    exp = observation.expectation
    name = f"{exp.name} reached no other receivers"
    reached = set(observation.first_notified()) | set(observation.routed)
    others = sorted(reached - set(exp.receivers))
    if not others:
        return Check(name, True, f"only {', '.join(exp.receivers)} notified")
    forbidden = [r for r in others if r in exp.not_receivers]
    detail = f"{exp.name} also reached {', '.join(others)}"
    if forbidden:
        detail += f" ({', '.join(forbidden)} must not be notified at {exp.priority})"
    return Check(name, False, detail)
