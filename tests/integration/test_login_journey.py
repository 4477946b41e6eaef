"""The login journey in Debian's Chromium against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from harness.settings import Settings
from journeys.login import login_journey

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_login_succeeds_with_timed_steps(browser: Browser, settings: Settings) -> None:
    app = settings.target.app
    result = login_journey(
        browser, app.base_url, app.credentials.username, settings.password.get_secret_value()
    )
    assert result.ok, result.failed_step
    assert [s.name for s in result.steps] == [
        "open login page",
        "submit credentials",
        "see dashboard",
    ]
    assert all(s.duration_s > 0 for s in result.steps)


def test_wrong_password_names_the_failing_step(browser: Browser, settings: Settings) -> None:
    app = settings.target.app
    result = login_journey(browser, app.base_url, app.credentials.username, "wrong-password")
    assert not result.ok
    assert result.failed_step is not None
    assert result.failed_step.name == "see dashboard"
    assert result.failed_step.error == "sign-in rejected: Invalid username or password."


def test_unreachable_app_fails_at_the_first_step(browser: Browser, sandbox: Any) -> None:
    result = login_journey(browser, "http://127.0.0.1:18999", "alice", "x")
    assert result.failed_step is not None
    assert result.failed_step.name == "open login page"
    assert "ERR_CONNECTION_REFUSED" in (result.failed_step.error or "")
