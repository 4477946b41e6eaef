"""Which active alerts would hold back a drill's expected alerts (the steady state
waits them out), and the check that an alert the drill expects inhibited was.
(The sandbox drills both for real: drills/catastrophic-errors.drill.yaml.)"""

from __future__ import annotations

from typing import Any

from harness.results import AlertRole, SeenAlert
from remediation.inhibition import Inhibitors, read_inhibit_rules
from remediation.pages import HeldAlert, _note, inhibition_check

CONFIG = """
route: {receiver: x}
inhibit_rules:
  - source_matchers: ['priority="P0"']
    target_matchers: ['priority=~"P1|P2"']
    equal: [service]
  - source_match: {alertname: DatabaseNoPrimary}
    target_match_re: {alertname: 'IDPDatabase.*'}
"""


def _active(name: str, **labels: str) -> dict[str, Any]:
    return {"labels": {"alertname": name, **labels}, "status": {"state": "active"}}


def _inhibitors(**expected: dict[str, str]) -> Inhibitors:
    return Inhibitors(
        tuple(read_inhibit_rules(CONFIG)),
        {name: {**labels, "alertname": name} for name, labels in expected.items()},
    )


def test_an_active_p0_holds_back_an_expected_p1_of_any_service_not_yet_known() -> None:
    inhibitors = _inhibitors(IDPHighErrorRate={"priority": "P1"})
    active = [_active("IDPSuspiciousSignIn", priority="P0", service="idp")]
    assert inhibitors.holding_back(active) == [
        "IDPSuspiciousSignIn (would inhibit IDPHighErrorRate)"
    ]


def test_equal_labels_the_expected_alert_carries_must_match() -> None:
    inhibitors = _inhibitors(IDPHighErrorRate={"priority": "P1", "service": "idp"})
    assert inhibitors.holding_back([_active("X", priority="P0", service="other")]) == []
    assert inhibitors.holding_back([_active("X", priority="P0", service="idp")]) != []


def test_p2_p1_security_and_the_expected_alert_itself_hold_nothing_back() -> None:
    inhibitors = _inhibitors(IDPHighErrorRate={"priority": "P1"}, IDPDown={"priority": "P0"})
    active = [
        _active("IDPSlowResponses", priority="P2"),
        _active("IDPApiAbuse", priority="security"),
        _active("IDPDown", priority="P0"),
    ]
    assert inhibitors.holding_back(active) == []


def test_old_style_match_and_match_re_are_read() -> None:
    inhibitors = _inhibitors(IDPDatabaseSlow={"priority": "P1"})
    assert inhibitors.holding_back([_active("DatabaseNoPrimary", priority="P1")]) == [
        "DatabaseNoPrimary (would inhibit IDPDatabaseSlow)"
    ]


def _seen(name: str, **fields: Any) -> SeenAlert:
    return SeenAlert(name, "P1", AlertRole.INHIBITED, **fields)


def test_inhibited_alert_held_back_passes_naming_the_inhibitor() -> None:
    seen = [_seen("IDPHighErrorRate", suppressed=True, inhibited_by=("IDPCatastrophicErrorRate",))]
    check = inhibition_check(["IDPHighErrorRate"], seen, lambda _r: True)
    assert check is not None
    assert check.passed
    assert "IDPHighErrorRate by IDPCatastrophicErrorRate" in check.detail


def test_an_inhibited_alert_that_paged_or_never_fired_fails() -> None:
    paged = _seen("IDPHighErrorRate", notified=("pagerduty-high",), suppressed=True)
    check = inhibition_check(["IDPHighErrorRate", "IDPSlowResponses"], [paged], lambda _r: True)
    assert check is not None
    assert not check.passed
    assert "IDPHighErrorRate was not held back: it reached pagerduty-high" in check.detail
    assert "IDPSlowResponses never fired" in check.detail


def test_routed_while_active_counts_only_for_receivers_nobody_reads_back() -> None:
    routed = _seen("IDPHighErrorRate", routed=("email-oncall",), inhibited_by=("IDPDown",))
    read_back = inhibition_check(["IDPHighErrorRate"], [routed], lambda _r: True)
    not_read = inhibition_check(["IDPHighErrorRate"], [routed], lambda _r: False)
    assert read_back is not None
    assert read_back.passed
    assert not_read is not None
    assert not not_read.passed


def test_silenced_is_not_inhibited() -> None:
    silenced = _seen("IDPHighErrorRate", suppressed=True)
    check = inhibition_check(["IDPHighErrorRate"], [silenced], lambda _r: True)
    assert check is not None
    assert "never showed it inhibited" in check.detail


def test_the_watch_names_inhibitors_by_fingerprint_from_the_same_poll() -> None:

    source = {"fingerprint": "a1", "labels": {"alertname": "IDPDown"}, "status": {}}
    target = {
        "fingerprint": "b2",
        "labels": {"alertname": "IDPHighErrorRate", "priority": "P1"},
        "status": {"state": "suppressed", "inhibitedBy": ["a1", "gone"]},
    }
    held: dict[str, HeldAlert] = {}
    for alert in (source, target):
        _note(held, alert, {"a1": "IDPDown", "b2": "IDPHighErrorRate"})
    assert held["IDPHighErrorRate"].inhibited_by == {"IDPDown", "an alert already gone"}
    assert held["IDPHighErrorRate"].suppressed
    assert not held["IDPHighErrorRate"].routed
