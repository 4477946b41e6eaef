"""Journeys by name: the names drill files and `pagerdrill probe` use."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from journeys.login import login_journey
from journeys.result import JourneyResult
from journeys.service_deployment import service_deployment_journey
from journeys.target import JourneyTarget
from journeys.template_creation import template_creation_journey

Journey = Callable[[BrowserContext, JourneyTarget], JourneyResult]

JOURNEYS: dict[str, Journey] = {
    "login": login_journey,
    "template-creation": template_creation_journey,
    "service-deployment": service_deployment_journey,
}
