"""Incident response on the healthy sandbox (#20): an unanswered P0 page escalates
to every level of the contract in order, read back from the incident's log on the
sink's PagerDuty; an acknowledged one escalates no further. A P0 opens its war room
and its status-page incident and closes both, and what each audience is told fits
it. Their broken variants (a level with nobody on it, an acknowledgement that does
not hold, an executive template leaking the query, a runbook that 404s, a status
page never updated): test_broken_variants.py."""

from __future__ import annotations

import pytest

from harness.events import EventKind
from harness.results import DrillResult
from harness.settings import Settings
from tests.conftest import run_passing_drill

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def _ladder(result: DrillResult) -> list[tuple[str, str]]:
    return [
        (str(e.detail["step"]), str(e.detail["who"]))
        for e in result.events
        if e.kind == EventKind.ESCALATION
    ]


def test_an_unanswered_p0_escalates_to_every_level_in_order(settings: Settings) -> None:
    result = run_passing_drill("p0-escalation-unanswered", settings)
    notified = [who for step, who in _ladder(result) if step == "notify"]
    assert notified == [
        "primary-oncall",
        "secondary-oncall",
        "engineering-manager",
        "executive-oncall",
    ]
    checks = {c.name: c for c in result.checks}
    level = checks["escalation level 2 (secondary-oncall) notified 4-10 s after the trigger"]
    assert level.passed
    assert level.measured_s is not None
    assert 4 <= level.measured_s <= 10


def test_an_acknowledged_p0_escalates_no_further(settings: Settings) -> None:
    result = run_passing_drill("p0-escalation-acknowledged", settings)
    assert [step for step, _ in _ladder(result)] == ["notify", "acknowledge"]
    assert [who for step, who in _ladder(result) if step == "notify"] == ["primary-oncall"]


def test_a_p0_opens_and_closes_its_war_room_and_status_page_and_tells_each_audience(
    settings: Settings,
) -> None:
    result = run_passing_drill("p0-war-room", settings)
    tools = [
        (str(e.detail["tool"]), str(e.detail["step"]))
        for e in result.events
        if e.kind == EventKind.INCIDENT_TOOL
    ]
    assert sorted(tools) == [
        ("status-page incident", "closed"),
        ("status-page incident", "opened"),
        ("war room", "closed"),
        ("war room", "opened"),
    ]
    checks = {c.name: c for c in result.checks}
    content = [name for name in checks if "fit its audience" in name]
    # the readers that return message texts: Slack and mail
    assert sorted(content) == [
        "IDPDown notifications to email-executive fit its audience (executive)",
        "IDPDown notifications to email-oncall fit its audience (on-call engineer)",
        "IDPDown notifications to slack-critical fit its audience (on-call engineer)",
    ]
    assert "firing, resolved" in checks[content[0]].detail
