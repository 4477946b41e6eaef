"""The three journeys in Debian's Chromium (pytest-playwright's `context` fixture,
so traces and screenshots are kept when a test fails), against the sandbox: they
pass on the healthy app, and name the failing step when a fault hook breaks it."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext
from pydantic import SecretStr

from journeys.catalog import JOURNEYS
from journeys.pages import LoginPage
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


@pytest.mark.parametrize("journey", sorted(JOURNEYS))
def test_journey_passes_with_timed_steps(
    journey: str, context: BrowserContext, journey_target: JourneyTarget
) -> None:
    result = JOURNEYS[journey](context, journey_target)
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
    "rollout-fails": (
        "service-deployment",
        Breakage(
            {"deployment_failure": True},
            "follow deployment to its outcome",
            "deployment failed: rollout failed: pods never became ready",
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
    result = JOURNEYS[journey](context, journey_target)
    assert result.failed_step is not None
    assert result.failed_step.name == breakage.step
    assert breakage.error in (result.failed_step.error or "")
    assert result.steps[-1] == result.failed_step  # the journey stopped there


def test_wrong_password_is_rejected_at_the_dashboard_step(
    context: BrowserContext, journey_target: JourneyTarget
) -> None:
    wrong = dataclasses.replace(journey_target, password=SecretStr("wrong-password"))
    result = JOURNEYS["login"](context, wrong)
    assert result.failed_step is not None
    assert result.failed_step.name == "see dashboard"
    assert result.failed_step.error == "Invalid username or password."


def test_unreachable_app_fails_at_the_first_step(
    context: BrowserContext, journey_target: JourneyTarget
) -> None:
    unreachable = dataclasses.replace(journey_target, base_url="http://127.0.0.1:18999")
    result = JOURNEYS["login"](context, unreachable)
    assert result.failed_step is not None
    assert result.failed_step.name == "open login page"
    assert "ERR_CONNECTION_REFUSED" in (result.failed_step.error or "")


def test_a_person_sees_the_plugin_marketplace_with_health_and_circuits(
    context: BrowserContext, journey_target: JourneyTarget
) -> None:
    """The marketplace page in Chromium, after signing in like a person would."""
    page = context.new_page()
    login = LoginPage(page, journey_target.base_url, journey_target.pack)
    login.open()
    login.sign_in(journey_target.username, journey_target.password.get_secret_value())
    login.signed_in_text()
    page.goto(journey_target.base_url + "/plugins")
    assert page.locator('tr[data-testid^="plugin-"]').count() == 4
    assert page.locator('[data-testid="plugin-health"]').all_inner_texts() == ["healthy"] * 4
    assert page.locator('[data-testid="plugin-circuit"]').all_inner_texts() == ["closed"] * 4
