"""Page objects for the three journeys, driven by a journey pack's selectors.

Every method raises on what the platform got wrong (HTTP error, an error shown in
the page, a timeout); the journey's StepRecorder turns that into the failed step."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from harness.journey_pack import (
    JourneyPack,
    LoginSelectors,
    ServiceDeploymentSelectors,
    TemplateCreationSelectors,
)


class PageRejected(Exception):
    """The platform answered with an error (an HTTP status or a message in the page)."""


def _one_of(texts: list[str]) -> re.Pattern[str]:
    return re.compile("^\\s*(" + "|".join(re.escape(t) for t in texts) + ")\\s*$")


class _PackPage:
    def __init__(self, page: Page, base_url: str, pack: JourneyPack) -> None:
        self.page = page
        self.base_url = base_url
        self.timeout = pack.step_timeout_ms

    def goto(self, path: str) -> None:
        response = self.page.goto(
            f"{self.base_url}{path}", timeout=self.timeout, wait_until="domcontentloaded"
        )
        self._raise_for_status(response.status if response else None, path)

    def _raise_for_status(self, status: int | None, what: str) -> None:
        if status is not None and status >= 500:
            raise PageRejected(f"HTTP {status} from {what}")

    def click_and_wait(self, selector: str) -> None:
        """Click what submits or navigates, and fail on a server error in the answer."""
        with self.page.expect_navigation(
            timeout=self.timeout, wait_until="domcontentloaded"
        ) as navigation:
            self.page.locator(selector).first.click(timeout=self.timeout)
        response = navigation.value
        self._raise_for_status(response.status if response else None, self.page.url)

    def text_of_first(self, wanted: str, error: str) -> str:
        """The text of `wanted`, or PageRejected with the page's `error` message."""
        found, rejected = self.page.locator(wanted), self.page.locator(error)
        found.or_(rejected).first.wait_for(timeout=self.timeout)
        if rejected.count() and rejected.first.is_visible():
            raise PageRejected(rejected.first.inner_text().strip())
        return found.first.inner_text(timeout=self.timeout).strip()


class LoginPage(_PackPage):
    def __init__(self, page: Page, base_url: str, pack: JourneyPack) -> None:
        super().__init__(page, base_url, pack)
        self.s: LoginSelectors = pack.login

    def open(self) -> None:
        self.goto(self.s.path)
        self.page.locator(self.s.form).wait_for(timeout=self.timeout)

    def sign_in(self, username: str, password: str) -> None:
        self.page.locator(self.s.username).fill(username, timeout=self.timeout)
        self.page.locator(self.s.password).fill(password, timeout=self.timeout)
        self.click_and_wait(self.s.submit)

    def signed_in_text(self) -> str:
        """What the landing page says about who is signed in; PageRejected if refused."""
        return self.text_of_first(self.s.signed_in, self.s.rejected)


class CatalogPage(_PackPage):
    def __init__(self, page: Page, base_url: str, pack: JourneyPack) -> None:
        super().__init__(page, base_url, pack)
        self.s: TemplateCreationSelectors = pack.template_creation

    def open(self) -> None:
        self.goto(self.s.catalog_path)

    def pick_template(self) -> None:
        self.click_and_wait(self.s.open_template.format(template=self.s.template))

    def fill_and_create(self, name: str, owner: str) -> None:
        self.page.locator(self.s.name).fill(name, timeout=self.timeout)
        self.page.locator(self.s.owner).fill(owner, timeout=self.timeout)
        for selector, value in self.s.parameters.items():
            self.page.locator(selector).fill(value, timeout=self.timeout)
        self.click_and_wait(self.s.submit)

    def created_name(self) -> str:
        return self.text_of_first(self.s.created, self.s.rejected)

    def find_component(self, name: str) -> None:
        self.open()
        self.page.locator(self.s.catalog_entry.format(name=name)).wait_for(timeout=self.timeout)


class DeploymentPage(_PackPage):
    def __init__(self, page: Page, base_url: str, pack: JourneyPack) -> None:
        super().__init__(page, base_url, pack)
        self.s: ServiceDeploymentSelectors = pack.service_deployment

    def deploy(self) -> None:
        self.click_and_wait(self.s.deploy)

    def await_outcome(self) -> str:
        """Follow the deployment (the page may reload itself) until it succeeded;
        PageRejected with the page's health text if it failed."""
        finished = self.page.locator(self.s.status).filter(
            has_text=_one_of(self.s.succeeded + self.s.failed)
        )
        finished.first.wait_for(timeout=self.s.rollout_timeout * 1000)
        status = finished.first.inner_text(timeout=self.timeout).strip()
        if status in self.s.failed:
            detail = self.page.locator(self.s.health).first.inner_text(timeout=self.timeout)
            raise PageRejected(f"deployment {status}: {detail.strip()}")
        return status

    def health(self) -> str:
        health = self.page.locator(self.s.health).first.inner_text(timeout=self.timeout).strip()
        if not _one_of(self.s.healthy).match(health):
            raise PageRejected(f"service not healthy: {health}")
        return health
