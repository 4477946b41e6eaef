"""The login journey: form login, landing on the dashboard."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from journeys.result import JourneyResult, StepFailed, StepRecorder

STEP_TIMEOUT_MS = 5_000


class LoginPage:
    """Page object of the reference IDP's sign-in form and the dashboard behind it."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/login", timeout=STEP_TIMEOUT_MS)
        self.page.get_by_test_id("login-form").wait_for(timeout=STEP_TIMEOUT_MS)

    def sign_in(self, username: str, password: str) -> None:
        self.page.get_by_label("Username").fill(username, timeout=STEP_TIMEOUT_MS)
        self.page.get_by_label("Password").fill(password, timeout=STEP_TIMEOUT_MS)
        self.page.get_by_role("button", name="Sign in").click(timeout=STEP_TIMEOUT_MS)

    def signed_in_user(self) -> str:
        """Who the dashboard says is signed in; raises with the form's error if sign-in failed."""
        user = self.page.get_by_test_id("signed-in-user")
        error = self.page.get_by_test_id("login-error")
        user.or_(error).first.wait_for(timeout=STEP_TIMEOUT_MS)
        if error.is_visible():
            raise LoginRejected(f"sign-in rejected: {error.inner_text()}")
        return user.inner_text(timeout=STEP_TIMEOUT_MS).removeprefix("Signed in as ").strip()


class LoginRejected(Exception):
    """The sign-in form answered with an error instead of the dashboard."""


def login_journey(browser: Browser, base_url: str, username: str, password: str) -> JourneyResult:
    """Sign in through the form in a fresh browser context; never raises for the
    platform's failures, which the result carries::

        result = login_journey(browser, "http://127.0.0.1:18080", "alice", secret)
        if not result.ok:
            print(result.failed_step)
    """
    recorder = StepRecorder("login")
    context = browser.new_context()
    try:
        page = LoginPage(context.new_page(), base_url)
        with recorder.step("open login page"):
            page.open()
        with recorder.step("submit credentials"):
            page.sign_in(username, password)
        with recorder.step("see dashboard"):
            user = page.signed_in_user()
            if user != username:
                raise ValueError(f"dashboard shows {user!r}, expected {username!r}")
    except StepFailed:
        pass
    finally:
        context.close()
    return recorder.result()
