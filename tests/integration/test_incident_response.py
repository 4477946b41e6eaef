"""Incident response on the healthy sandbox (#20): an unanswered P0 page escalates
to every level of the contract in order, read back from the incident's log on the
sink's PagerDuty; an acknowledged one escalates no further. Their broken variants
(a level with nobody on it, an acknowledgement that does not hold):
test_broken_variants.py."""

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
