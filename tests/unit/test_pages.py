"""Unexpected pages: which alerts a drill saw count as pages it did not expect.
(The integration test drills a real sandbox: tests/integration/test_unexpected_pages.py.)"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from harness.clients import Notification
from harness.contract import Contract, load_contract
from harness.drill import AlertExpectation, Expectations
from harness.results import AlertRole, Check, SeenAlert
from harness.types import Priority
from remediation.pages import AlertmanagerWatch, HeldAlert, _with_blind_spots, judge_alerts
from tests.conftest import REPO


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract(REPO / "contracts" / "sandbox.contract.yaml")[0]


def _page(alert: str, receiver: str, status: str = "firing") -> Notification:
    return Notification(receiver, "webhook", alert, "", status, 100.0)


def _judge(
    contract: Contract | None,
    *,
    expect: Expectations | None = None,
    held: dict[str, HeldAlert] | None = None,
    notifications: Sequence[Notification] = (),
    fired: Sequence[str] = (),
    earlier: Sequence[str] = (),
    reads: bool = True,
) -> tuple[tuple[SeenAlert, ...], Check | None]:
    return judge_alerts(
        expect or Expectations(alerts=[AlertExpectation(name="IDPDown", priority=Priority.P0)]),
        contract,
        earlier=earlier,
        fired=fired,
        held=held or {},
        notifications=notifications,
        reads=lambda _receiver: reads,
    )


def test_an_unexpected_p1_page_fails_the_drill_naming_alert_and_receivers(
    contract: Contract,
) -> None:
    seen, check = _judge(
        contract,
        fired=["IDPDown", "IDPHighErrorRate"],
        held={"IDPHighErrorRate": HeldAlert("P1", {"pagerduty-high"})},
        notifications=[
            _page("IDPDown", "pagerduty-critical"),
            _page("IDPHighErrorRate", "slack-high"),
            _page("IDPHighErrorRate", "email-oncall"),
        ],
    )
    assert check is not None
    assert not check.passed
    assert "IDPHighErrorRate (P1, other) notified email-oncall, slack-high" in check.detail
    by_name = {a.name: a for a in seen}
    assert by_name["IDPDown"].role is AlertRole.EXPECTED
    assert not by_name["IDPDown"].unexpected_page
    assert by_name["IDPHighErrorRate"].unexpected_page


def test_an_inhibited_alert_is_listed_not_failed(contract: Contract) -> None:
    seen, check = _judge(
        contract,
        fired=["IDPDown", "IDPHighErrorRate"],
        held={"IDPHighErrorRate": HeldAlert("P1", set(), suppressed=True)},
        notifications=[_page("IDPDown", "pagerduty-critical")],
    )
    assert check is not None
    assert check.passed
    assert "IDPHighErrorRate (P1, other) reached no receiver (inhibited" in check.detail
    assert [a.name for a in seen if a.suppressed] == ["IDPHighErrorRate"]


def test_resolved_notifications_and_p2_pages_to_p2_receivers_are_no_pages(
    contract: Contract,
) -> None:
    _, check = _judge(
        contract,
        notifications=[
            _page("IDPHighErrorRate", "slack-high", status="resolved"),
            _page("IDPSlowResponses", "slack-low"),
        ],
    )
    assert check is not None
    assert check.passed


def test_a_p2_alert_reaching_a_p0_receiver_is_a_page(contract: Contract) -> None:
    _, check = _judge(contract, notifications=[_page("IDPSlowResponses", "pagerduty-critical")])
    assert check is not None
    assert not check.passed
    assert "IDPSlowResponses (P2, other) notified pagerduty-critical" in check.detail


def test_allowed_and_earlier_alerts_do_not_fail_but_are_listed(contract: Contract) -> None:
    expect = Expectations(
        alerts=[AlertExpectation(name="IDPDown", priority=Priority.P0)],
        allow_alerts=["IDPHighErrorRate"],
    )
    seen, check = _judge(
        contract,
        expect=expect,
        earlier=["IDPDatabaseSlow"],
        notifications=[
            _page("IDPHighErrorRate", "slack-high"),
            _page("IDPDatabaseSlow", "pagerduty-high"),
        ],
    )
    assert check is not None
    assert check.passed
    roles = {a.name: a.role for a in seen}
    assert roles == {"IDPHighErrorRate": AlertRole.ALLOWED, "IDPDatabaseSlow": AlertRole.EARLIER}


def test_routing_counts_only_for_receivers_no_reader_reads(contract: Contract) -> None:
    held = {"IDPHighErrorRate": HeldAlert("P1", {"slack-high"})}
    _, read_back = _judge(contract, held=held, reads=True)
    _, unread = _judge(contract, held=held, reads=False)
    assert read_back is not None
    assert read_back.passed
    assert unread is not None
    assert not unread.passed
    assert "routed to slack-high" in unread.detail


def test_priority_comes_from_the_label_else_the_contract_and_a_floor_can_widen(
    contract: Contract,
) -> None:
    expect = Expectations(page_priorities=[Priority.P0, Priority.P1, Priority.P2])
    seen, check = _judge(
        contract,
        expect=expect,
        held={"Custom": HeldAlert("P2", {"team-hook"})},
        notifications=[_page("IDPSlowResponses", "slack-low"), _page("Custom", "team-hook")],
    )
    assert check is not None
    assert not check.passed
    assert {a.name: a.priority for a in seen} == {"Custom": "P2", "IDPSlowResponses": "P2"}
    assert check.name == "no unexpected P0/P1/P2 pages"


def test_no_page_priorities_lists_without_a_check(contract: Contract) -> None:
    seen, check = _judge(
        contract,
        expect=Expectations(page_priorities=[]),
        notifications=[_page("IDPDown", "pagerduty-critical")],
    )
    assert check is None
    assert seen[0].unexpected_page is False


def test_allow_alerts_may_not_name_an_expected_alert() -> None:
    with pytest.raises(ValueError, match="allow_alerts names expected alerts: IDPDown"):
        Expectations(
            alerts=[AlertExpectation(name="IDPDown", priority=Priority.P0)],
            allow_alerts=["IDPDown"],
        )


def test_a_passed_check_says_when_alertmanager_could_not_be_seen() -> None:
    with AlertmanagerWatch("http://127.0.0.1:9", earlier=()) as watch:  # nothing listens
        watch.poll()
    passed = _with_blind_spots(Check("no unexpected P0/P1 pages", True, "none"), watch)
    assert passed is not None
    assert passed.detail.startswith("none; Alertmanager did not answer 1 of 1 polls")
