"""Verdict truth: the app-crash drill FAILS on each broken sandbox variant, with a
message naming the expectation that broke (and passes on the healthy sandbox:
test_app_crash_drill)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harness.drill import load_drill
from harness.settings import Settings
from remediation.runner import run_drill
from sandbox import compose
from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.variant]


@pytest.fixture
def variant(sandbox: Any) -> Iterator[Any]:
    def switch(name: str) -> None:
        compose.apply_variant(sandbox, name)

    yield switch
    compose.apply_variant(sandbox, "healthy")


@pytest.mark.parametrize(
    ("name", "broken"),
    [
        (
            "wrong-priority",
            {
                "IDPDown has priority P0": "IDPDown fired with priority P2, expected P0",
                "IDPDown notified pagerduty-critical within 30 s": "pagerduty-critical received no",
                "IDPDown reached no other receivers": (
                    "also reached email-team, slack-low (email-team, slack-low must not be notified"
                ),
            },
        ),
        (
            "p0-routed-to-p2",
            {
                "IDPDown notified slack-critical within 30 s": "slack-critical received no",
                "IDPDown reached no other receivers": (
                    "also reached slack-low (slack-low must not be notified at P0)"
                ),
            },
        ),
    ],
)
def test_drill_fails_on_broken_variant(
    variant: Any, settings: Settings, name: str, broken: dict[str, str]
) -> None:
    variant(name)
    drill, source = load_drill(REPO / "drills" / "app-crash.drill.yaml")
    result = run_drill(drill, source, settings)
    assert result.verdict == "failed"
    failed = {c.name: c.detail for c in result.failed_checks}
    timeline = "\n".join(str(e.as_json()) for e in result.events if e.kind != "phase")
    for check, message in broken.items():
        assert message in failed.get(check, "<passed>"), f"{check}: {failed}\n{timeline}"
    if name == "p0-routed-to-p2":
        assert set(failed) == set(broken), "only the routing checks may fail"
    assert result.mttr_s["journey.login"] > 0, "recovery is still measured on a broken variant"
