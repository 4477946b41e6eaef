"""The alert contract checks, on observations built by hand (the integration tests
run them on what the real sandbox produced): firing, priority, each receiver at the
evidence its check needs, and no other receiver."""

from __future__ import annotations

import pytest

from harness.clients import AlertSample, Notification
from harness.drill import AlertContract
from harness.receivers import EvidenceTier
from harness.types import Priority
from remediation.alert_checks import alert_checks
from remediation.alerts import AlertObservation, Delivery, first_success_since

FAULT_AT = 1000.0
BOTH = {"pager": 1002.0, "chat": 1002.0}
RECEIVED, DELIVERED, ROUTED = EvidenceTier.RECEIVED, EvidenceTier.DELIVERED, EvidenceTier.ROUTED


def _contract(evidence: EvidenceTier = RECEIVED) -> AlertContract:
    return AlertContract(
        "IDPDown",
        Priority.P0,
        30,
        ("pager", "chat"),
        ("chat-low",),
        None,
        2.0,
        evidence={"pager": evidence, "chat": evidence},
    )


def _observe(
    *,
    priority: str | None = "P0",
    fired_after: float | None = 2.0,
    notified: dict[str, float] | None = None,
    routed: dict[str, float] | None = None,
    deliveries: dict[str, Delivery] | None = None,
    evidence: EvidenceTier = RECEIVED,
) -> AlertObservation:
    firing = (
        None
        if fired_after is None
        else AlertSample(
            "IDPDown",
            "firing",
            FAULT_AT + fired_after,
            {} if priority is None else {"priority": priority},
        )
    )
    notified = {"pager": 2.5, "chat": 2.6} if notified is None else notified
    notes = tuple(
        Notification(receiver, "webhook", "IDPDown", priority or "", "firing", FAULT_AT + after)
        for receiver, after in notified.items()
    )
    if routed is None:
        routed = dict.fromkeys(notified, FAULT_AT + 2.1)
    if deliveries is None:
        deliveries = {r: Delivery(1, 0, FAULT_AT + at) for r, at in notified.items()}
    return AlertObservation(
        _contract(evidence),
        FAULT_AT,
        None,
        firing,
        notes,
        FAULT_AT + 2.1,
        routed,
        deliveries,
        frozenset({"pager", "chat", "chat-low", "mail"}),
    )


def _failed(observation: AlertObservation) -> dict[str, str]:
    return {c.name: c.detail for c in alert_checks(observation) if not c.passed}


def test_healthy_observation_passes_with_measured_times_and_evidence() -> None:
    checks = alert_checks(_observe())
    assert all(c.passed for c in checks)
    chat = next(c for c in checks if c.name == "IDPDown notified chat within 30 s")
    assert chat.measured_s == pytest.approx(2.6)
    assert (chat.evidence, chat.evidence_required) == ("received", "received")
    assert "shown: routed, delivered, received; required: received" in chat.detail


def test_wrong_priority_is_named() -> None:
    assert _failed(_observe(priority="P2")) == {
        "IDPDown has priority P0": "IDPDown fired with priority P2, expected P0"
    }


def test_missing_priority_label_is_named() -> None:
    assert "<no priority label>" in _failed(_observe(priority=None))["IDPDown has priority P0"]


def test_never_fired_fails_firing_priority_and_receivers() -> None:
    failed = _failed(_observe(fired_after=None, notified={}))
    assert set(failed) == {
        "IDPDown fired within 30 s",
        "IDPDown has priority P0",
        "IDPDown notified pager within 30 s",
        "IDPDown notified chat within 30 s",
    }
    assert "never went pending" in failed["IDPDown fired within 30 s"]
    assert "did not route IDPDown to pager" in failed["IDPDown notified pager within 30 s"]


def test_late_alert_and_late_notification_fail() -> None:
    failed = _failed(_observe(fired_after=31, notified={"pager": 40, "chat": 3}))
    assert "31.00 s after" in failed["IDPDown fired within 30 s"]
    assert "40.00 s after" in failed["IDPDown notified pager within 30 s"]


def test_forbidden_and_unexpected_receivers_are_named() -> None:
    failed = _failed(_observe(notified={"pager": 2, "chat": 2, "chat-low": 2, "mail": 2}))
    assert failed == {
        "IDPDown reached no other receivers": (
            "IDPDown also reached chat-low, mail (chat-low must not be notified at P0)"
        )
    }


def test_a_route_to_an_unexpected_receiver_fails_even_if_nothing_read_it() -> None:
    failed = _failed(_observe(routed={"pager": 1002, "chat": 1002, "chat-low": 1002}))
    assert "also reached chat-low" in failed["IDPDown reached no other receivers"]


def test_failed_delivery_fails_at_the_delivered_tier_naming_the_receiver() -> None:
    deliveries = {"pager": Delivery(1, 0, 1002.4), "chat": Delivery(3, 3, None)}
    failed = _failed(_observe(notified={"pager": 2.5}, routed=BOTH, deliveries=deliveries))
    assert set(failed) == {"IDPDown notified chat within 30 s"}
    detail = failed["IDPDown notified chat within 30 s"]
    assert "all 3 of Alertmanager's 3 notification requests to it failed (delivered tier)" in detail


def test_delivered_without_reception_fails_when_received_is_required() -> None:
    deliveries = {"pager": Delivery(1, 0, 1002.4), "chat": Delivery(1, 0, 1002.5)}
    failed = _failed(_observe(notified={"pager": 2.5}, routed=BOTH, deliveries=deliveries))
    detail = failed["IDPDown notified chat within 30 s"]
    assert "chat's own system has no IDPDown notification" in detail
    assert "(evidence required: received)" in detail


def test_delivered_is_enough_when_the_drill_asks_for_it() -> None:
    deliveries = {"pager": Delivery(1, 0, 1002.4), "chat": Delivery(2, 1, 1003.0)}
    checks = alert_checks(
        _observe(
            notified={},
            routed=BOTH,
            deliveries=deliveries,
            evidence=DELIVERED,
        )
    )
    chat = next(c for c in checks if c.name == "IDPDown notified chat within 30 s")
    assert chat.passed, chat.detail
    assert chat.measured_s == pytest.approx(3.0)
    assert "(1 of 2 requests ok)" in chat.detail


def test_an_alertmanager_without_receiver_metrics_is_named_when_delivery_is_required() -> None:
    observation = _observe(notified={}, routed=BOTH, evidence=DELIVERED)
    observation = AlertObservation(**{**observation.__dict__, "deliveries": None})
    detail = _failed(observation)["IDPDown notified pager within 30 s"]
    assert "--enable-feature=receiver-name-in-metrics" in detail


def test_routed_is_enough_when_the_drill_asks_for_it() -> None:
    checks = alert_checks(_observe(notified={}, routed=BOTH, deliveries={}, evidence=ROUTED))
    assert all(c.passed for c in checks), [c.detail for c in checks if not c.passed]


def test_a_delivery_counts_for_the_alert_only_once_it_was_routed_there() -> None:
    """Alertmanager counts requests per receiver: a success polled before the alert was
    routed there is another alert's (marketplace-down's webhook was 'notified' 2.4 s
    after the fault, 5 s before its alert fired, by the previous drill's resolve)."""
    polls = [(1000.0, 0), (1000.5, 1), (1001.0, 1), (1005.0, 1), (1005.5, 2), (1006.0, 2)]
    assert first_success_since(polls, routed_at=1004.8) == 1005.5
    assert first_success_since(polls, routed_at=1000.2) == 1000.5
    assert first_success_since(polls[:5], routed_at=1004.8) is None  # not confirmed yet


def test_a_request_whose_failure_follows_is_not_a_delivery() -> None:
    polls = [(1000.0, 0), (1000.5, 1), (1001.0, 0), (1001.5, 0), (1002.0, 1), (1002.5, 1)]
    assert first_success_since(polls, routed_at=1000.0) == 1002.0
