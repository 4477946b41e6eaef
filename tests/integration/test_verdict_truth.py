"""Verdict truth: the app-crash drill FAILS on each broken sandbox variant, with a
message naming the expectation that broke (and passes on the healthy sandbox:
test_app_crash_drill)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.drill import load_drill
from harness.settings import Settings
from remediation.runner import run_drill
from remediation.validation import validate_drill
from tests.conftest import REPO, pagerdrill_cli

pytestmark = [pytest.mark.integration, pytest.mark.variant]


@pytest.mark.parametrize(
    ("name", "broken"),
    [
        (
            "wrong-priority",
            {
                "IDPDown has priority P0": "IDPDown fired with priority P2, expected P0",
                "IDPDown notified pagerduty-critical within 30 s": (
                    "Alertmanager did not route IDPDown to pagerduty-critical within 30 s "
                    "(it routed it to email-team, slack-low)"
                ),
                "IDPDown reached no other receivers": (
                    "also reached email-team, slack-low (email-team, slack-low must not be notified"
                ),
            },
        ),
        (
            "p0-routed-to-p2",
            {
                "IDPDown notified slack-critical within 30 s": (
                    "Alertmanager did not route IDPDown to slack-critical within 30 s"
                ),
                "IDPDown reached no other receivers": (
                    "also reached slack-low (slack-low must not be notified at P0)"
                ),
            },
        ),
    ],
)
def test_drill_fails_on_broken_variant(
    variant: Any, settings: Settings, tmp_path: Path, name: str, broken: dict[str, str]
) -> None:
    variant(name)
    failed, timeline, mttr = (_via_cli if name == "p0-routed-to-p2" else _via_api)(
        settings, tmp_path
    )
    for check, message in broken.items():
        assert message in failed.get(check, "<passed>"), f"{check}: {failed}\n{timeline}"
    if name == "p0-routed-to-p2":
        assert set(failed) == set(broken), "only the routing checks may fail"
    assert mttr > 0, "recovery is still measured on a broken variant"


def _via_api(settings: Settings, tmp_path: Path) -> tuple[dict[str, str], str, float]:
    drill, source = load_drill(REPO / "drills" / "app-crash.drill.yaml")
    result = run_drill(validate_drill(drill, source, settings), settings)
    assert result.verdict == "failed"
    timeline = "\n".join(str(e.as_json()) for e in result.events if e.kind != "phase")
    failed = {c.name: c.detail for c in result.failed_checks}
    return failed, timeline, result.mttr_s["journey.login"]


def _via_cli(settings: Settings, tmp_path: Path) -> tuple[dict[str, str], str, float]:
    """As the release gate runs it: exit code 1, and the failures in results.json."""
    run = pagerdrill_cli(
        "run",
        "drills/app-crash.drill.yaml",
        "--profile",
        "gate",
        "--output",
        str(tmp_path),
        state_dir=tmp_path / "state",
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "readiness verdict: FAIL (1 failed; gate FAILED)" in run.stdout
    drill = json.loads((tmp_path / "results.json").read_text())["drills"][0]
    assert drill["verdict"] == "failed"
    failed = {c["name"]: c["detail"] for c in drill["checks"] if not c["passed"]}
    timeline = "\n".join(str(e) for e in drill["timeline"] if e["kind"] != "phase")
    return failed, timeline, drill["mttr_s"]["journey.login"]
