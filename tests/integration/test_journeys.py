"""The reference pack's three journeys in Debian's Chromium (pytest-playwright's `context` fixture,
so traces and screenshots are kept when a test fails), against the sandbox: they
pass on the healthy app, and name the failing step when a fault hook breaks it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext
from pydantic import SecretStr

from harness.journey_pack import load_pack
from journeys.journey import run_journey
from journeys.target import JourneyTarget

pytestmark = [pytest.mark.integration, pytest.mark.browser]

STEPS = {
    "login": ["open login page", "submit credentials", "see dashboard"],
    "template-creation": [
        "sign in",
        "open catalog",
        "pick template",
        "fill and submit form",
        "see component created",
        "find component in catalog",
    ],
    "service-deployment": [
        "sign in",
        "create component from template",
        "start deployment",
        "follow deployment to its outcome",
        "see service healthy",
    ],
}


@pytest.mark.parametrize("journey", sorted(STEPS))
def test_journey_passes_with_timed_steps(
    journey: str, context: BrowserContext, journey_target: JourneyTarget
) -> None:
    result = run_journey(journey, context, journey_target)
    assert result.ok, result.failed_step
    assert [s.name for s in result.steps] == STEPS[journey]
    assert all(s.duration_s > 0 for s in result.steps)
    assert result.duration_s >= sum(s.duration_s for s in result.steps)


@dataclasses.dataclass(frozen=True)
class Breakage:
    """A fault hook setting, and the step and error it must make a journey fail with."""

    hooks: dict[str, Any]
    step: str
    error: str


BREAKAGES = {
    "login-page-500": (
        "login",
        Breakage({"error_rate": {"/login": 1.0}}, "open login page", "HTTP 500 from /login"),
    ),
    "catalog-500": (
        "template-creation",
        Breakage({"error_rate": {"/catalog": 1.0}}, "open catalog", "HTTP 500"),
    ),
    "create-form-500": (
        "template-creation",
        Breakage(
            {"error_rate": {"/templates/{template_id}/create": 1.0}}, "pick template", "HTTP 500"
        ),
    ),
    "navigation-hangs": (
        "login",
        Breakage(
            {"latency_s": {"/dashboard": 8.0}},
            "submit credentials",
            "the page it leads to did not load within 5 s",
        ),
    ),
    "rollout-fails": (
        "service-deployment",
        Breakage(
            {"deployment_failure": True},
            "follow deployment to its outcome",
            "[data-testid=deployment-status] shows 'failed': "
            "rollout failed: pods never became ready",
        ),
    ),
    "deploy-500": (
        "service-deployment",
        Breakage(
            {"error_rate": {"/components/{name}/deployments": 1.0}}, "start deployment", "HTTP 500"
        ),
    ),
}


@pytest.mark.parametrize(("journey", "breakage"), BREAKAGES.values(), ids=BREAKAGES.keys())
def test_fault_hook_fails_the_step_it_breaks(
    journey: str,
    breakage: Breakage,
    admin: httpx.Client,
    context: BrowserContext,
    journey_target: JourneyTarget,
) -> None:
    admin.put("/admin/faults", json=breakage.hooks).raise_for_status()
    result = run_journey(journey, context, journey_target)
    assert result.failed_step is not None
    assert result.failed_step.name == breakage.step
    assert breakage.error in (result.failed_step.error or "")
    assert result.steps[-1] == result.failed_step  # the journey stopped there


def test_wrong_password_is_rejected_at_the_dashboard_step(
    context: BrowserContext, journey_target: JourneyTarget
) -> None:
    wrong = dataclasses.replace(journey_target, password=SecretStr("wrong-password"))
    result = run_journey("login", context, wrong)
    assert result.failed_step is not None
    assert result.failed_step.name == "see dashboard"
    assert (result.failed_step.error or "").startswith("Invalid username or password. (shown at ")
    assert "wrong-password" not in str(result)


def test_unreachable_app_fails_at_the_first_step(
    context: BrowserContext, journey_target: JourneyTarget
) -> None:
    unreachable = dataclasses.replace(journey_target, base_url="http://127.0.0.1:18999")
    result = run_journey("login", context, unreachable)
    assert result.failed_step is not None
    assert result.failed_step.name == "open login page"
    assert "ERR_CONNECTION_REFUSED" in (result.failed_step.error or "")


OWN_PACK = """
name: plugins-only
journeys:
  browse-plugins:
    steps:
      - name: sign in
        do:
          - goto: /login
          - fill: {"input[name=username]": "{username}", "input[name=password]": "{password}"}
          - submit: "[data-testid=login-form] button[type=submit]"
      - name: see every plugin healthy
        timeout: 2s
        do:
          - goto: /plugins
          - see: {selector: "[data-testid=plugin-health]", one_of: [healthy]}
      - name: see a plugin nobody installed
        timeout: 1s
        do:
          - see: "[data-testid=plugin-{plugin}]"
values:
  plugin: time-machine
"""


def test_a_pack_of_its_own_runs_its_own_steps_with_their_own_timeouts(
    tmp_path: Path, context: BrowserContext, journey_target: JourneyTarget
) -> None:
    (tmp_path / "pack.yaml").write_text(OWN_PACK)
    target = dataclasses.replace(journey_target, pack=load_pack(tmp_path / "pack.yaml"))
    result = run_journey("browse-plugins", context, target)
    assert [(s.name, s.ok) for s in result.steps] == [
        ("sign in", True),
        ("see every plugin healthy", True),
        ("see a plugin nobody installed", False),
    ]
    failed = result.steps[-1]
    assert 1.0 <= failed.duration_s < 3.0  # its own 1 s, not the pack's 5 s
    assert failed.error == (
        f"waited 1 s at {journey_target.base_url}/plugins for "
        "[data-testid=plugin-time-machine] to show; it is not in the page"
    )


def test_a_person_sees_the_plugin_marketplace_with_health_and_circuits(
    context: BrowserContext, journey_target: JourneyTarget
) -> None:
    """The marketplace page in Chromium, after signing in like a person would."""
    assert run_journey("login", context, journey_target).ok
    page = context.pages[0]
    page.goto(journey_target.base_url + "/plugins")
    assert page.locator('tr[data-testid^="plugin-"]').count() == 4
    assert page.locator('[data-testid="plugin-health"]').all_inner_texts() == ["healthy"] * 4
    assert page.locator('[data-testid="plugin-circuit"]').all_inner_texts() == ["closed"] * 4
