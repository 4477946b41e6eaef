"""The alert contract checks, on observations built by hand (the integration tests
run them on what the real sandbox produced)."""

from __future__ import annotations

import pytest

from harness.clients import AlertSample, Notification
from harness.drill import AlertExpectation
from harness.types import Priority
from remediation.alerts import AlertObservation, alert_checks

FAULT_AT = 1000.0
P0 = AlertExpectation(
    name="IDPDown",
    priority=Priority.P0,
    within=30,
    receivers=["pager", "chat"],
    not_receivers=["chat-low"],
)


def _observe(
    priority: str | None = "P0",
    fired_after: float | None = 2.0,
    notified: dict[str, float] | None = None,
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
    notes = tuple(
        Notification(receiver, "webhook", "IDPDown", priority or "", "firing", FAULT_AT + after)
        for receiver, after in (
            {"pager": 2.5, "chat": 2.6} if notified is None else notified
        ).items()
    )
    return AlertObservation(P0, FAULT_AT, None, firing, notes)


def _failed(observation: AlertObservation) -> dict[str, str]:
    return {c.name: c.detail for c in alert_checks(observation) if not c.passed}


def test_healthy_observation_passes_with_measured_times() -> None:
    checks = alert_checks(_observe())
    assert all(c.passed for c in checks)
    measured = {c.name: c.measured_s for c in checks}
    assert measured["IDPDown notified chat within 30 s"] == pytest.approx(2.6)


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
