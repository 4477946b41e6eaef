"""Journeys by name, with what they need to run against a target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Browser
from pydantic import SecretStr

from journeys.login import login_journey
from journeys.result import JourneyResult


@dataclass(frozen=True)
class JourneyTarget:
    base_url: str
    username: str
    password: SecretStr


Journey = Callable[[Browser, JourneyTarget], JourneyResult]


def _login(browser: Browser, target: JourneyTarget) -> JourneyResult:
    return login_journey(
        browser, target.base_url, target.username, target.password.get_secret_value()
    )


JOURNEYS: dict[str, Journey] = {"login": _login}
