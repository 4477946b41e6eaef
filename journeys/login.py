"""The login journey: the sign-in form, landing on a page that names the user."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page

from journeys.pages import LoginPage, PageRejected
from journeys.result import JourneyResult, StepRecorder, run_steps
from journeys.target import JourneyTarget


def login_journey(context: BrowserContext, target: JourneyTarget) -> JourneyResult:
    """Sign in through the form in `context`; never raises for the platform's
    failures, which the result carries::

        result = login_journey(browser.new_context(), target)
        if not result.ok:
            print(result.failed_step)
    """
    tab = context.new_page()  # the browser's preparation, not the journey's time
    recorder = StepRecorder("login")
    with run_steps(recorder):
        page = LoginPage(tab, target.base_url, target.pack)
        with recorder.step("open login page"):
            page.open()
        with recorder.step("submit credentials"):
            page.sign_in(target.username, target.password.get_secret_value())
        with recorder.step("see dashboard"):
            _expect_signed_in(page, target.username)
    return recorder.result()


def sign_in(page: Page, target: JourneyTarget) -> None:
    """The whole login as one step of a longer journey."""
    login = LoginPage(page, target.base_url, target.pack)
    login.open()
    login.sign_in(target.username, target.password.get_secret_value())
    _expect_signed_in(login, target.username)


def _expect_signed_in(page: LoginPage, username: str) -> None:
    shown = page.signed_in_text()
    if username not in shown:
        raise PageRejected(f"landing page shows {shown!r}, not {username!r}")
