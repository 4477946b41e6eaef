"""The template creation journey: pick a template in the catalog, fill its form,
create the component, and find it in the catalog."""

from __future__ import annotations

import secrets
import time

from playwright.sync_api import BrowserContext

from journeys.login import sign_in
from journeys.pages import CatalogPage, PageRejected
from journeys.result import JourneyResult, StepRecorder, run_steps
from journeys.target import JourneyTarget


def component_name(prefix: str) -> str:
    """A fresh, sortable name for a synthetic component: prefix + time + random."""
    return f"{prefix}{int(time.time() * 1000):x}-{secrets.token_hex(2)}"


def create_component(catalog: CatalogPage, target: JourneyTarget) -> str:
    """Catalog -> template -> form -> created; returns the component's name."""
    name = component_name(target.pack.template_creation.name_prefix)
    catalog.open()
    catalog.pick_template()
    catalog.fill_and_create(name, target.username)
    expect_created(catalog, name)
    return name


def expect_created(catalog: CatalogPage, name: str) -> None:
    shown = catalog.created_name()
    if shown != name:
        raise PageRejected(f"created page shows {shown!r}, not {name!r}")


def template_creation_journey(context: BrowserContext, target: JourneyTarget) -> JourneyResult:
    page = context.new_page()  # the browser's preparation, not the journey's time
    recorder = StepRecorder("template-creation")
    with run_steps(recorder):
        with recorder.step("sign in"):
            sign_in(page, target)
        catalog = CatalogPage(page, target.base_url, target.pack)
        name = component_name(target.pack.template_creation.name_prefix)
        with recorder.step("open catalog"):
            catalog.open()
        with recorder.step("pick template"):
            catalog.pick_template()
        with recorder.step("fill and submit form"):
            catalog.fill_and_create(name, target.username)
        with recorder.step("see component created"):
            expect_created(catalog, name)
        with recorder.step("find component in catalog"):
            catalog.find_component(name)
    return recorder.result()
