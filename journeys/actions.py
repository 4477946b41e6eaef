"""A journey pack's actions in a Playwright page. Every failure is a `PageRejected`
whose message says what was done or awaited, where (the page's URL, without its
query), and what the page showed instead: never a raw Playwright message alone,
never the password."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from harness.journey_pack import PLACEHOLDER, Action, Check


class PageRejected(Exception):
    """The platform did not do what the journey needs (an HTTP error, a refusal shown
    in the page, something that never showed)."""


def fill_in(text: str, values: Mapping[str, str]) -> str:
    """`text` with its `{placeholders}` replaced (the pack was checked: all known)."""
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def _one_of(texts: list[str]) -> re.Pattern[str]:
    return re.compile("^\\s*(" + "|".join(re.escape(t) for t in texts) + ")\\s*$")


class ActionRunner:
    """Runs actions in one page; `values` fill the placeholders, `timeout_s` bounds
    each wait of the current step."""

    def __init__(self, page: Page, base_url: str, values: Mapping[str, str]) -> None:
        self.page = page
        self.base_url = base_url
        self.values = values
        self.timeout_s = 5.0

    @property
    def _ms(self) -> float:
        return self.timeout_s * 1000

    def _where(self) -> str:
        parts = urlsplit(self.page.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else self.page.url

    def run(self, action: Action) -> None:
        """One action that is not a `journey:` (the journey runner expands those)."""
        if action.goto is not None:
            self.goto(fill_in(action.goto, self.values))
        elif action.fill is not None:
            for selector, text in action.fill.items():
                self.fill(fill_in(selector, self.values), fill_in(text, self.values))
        elif action.click is not None:
            self.click(fill_in(action.click, self.values))
        elif action.submit is not None:
            self.submit(fill_in(action.submit, self.values))
        elif action.url is not None:
            self.wait_for_url(
                PLACEHOLDER.sub(lambda m: re.escape(self.values[m.group(1)]), action.url)
            )
        elif isinstance(action.see, str):
            self.see(Check(selector=action.see))
        elif action.see is not None:
            self.see(action.see)

    def goto(self, path: str) -> None:
        try:
            response = self.page.goto(
                f"{self.base_url}{path}", timeout=self._ms, wait_until="domcontentloaded"
            )
        except PlaywrightTimeout as exc:
            raise PageRejected(f"{path} did not load within {self.timeout_s:g} s") from exc
        except PlaywrightError as exc:  # connection refused, DNS, TLS: Playwright says which
            raise PageRejected(exc.message.splitlines()[0]) from exc
        if response is not None and response.status >= 400:
            raise PageRejected(f"HTTP {response.status} from {path}")

    def _clickable(self, selector: str) -> Locator:
        return self.page.locator(selector).first

    def _timed_out(self, selector: str, wanted: str) -> PageRejected:
        return PageRejected(
            f"waited {self.timeout_s:g} s at {self._where()} for {selector} {wanted}"
        )

    def fill(self, selector: str, text: str) -> None:
        try:
            self.page.locator(selector).first.fill(text, timeout=self._ms)
        except PlaywrightTimeout as exc:
            raise self._timed_out(selector, "to be filled in") from exc

    def click(self, selector: str) -> None:
        try:
            self._clickable(selector).click(timeout=self._ms)
        except PlaywrightTimeout as exc:
            raise self._timed_out(selector, "to be clickable") from exc

    def submit(self, selector: str) -> None:
        """Click, then wait for the page it loads; a 5xx answer fails (a 4xx is a page
        that shows the refusal, for a `see ... rejected` to read)."""
        before = self._where()
        element = self._clickable(selector)
        try:  # apart from the click: Playwright's click also waits for the page it loads
            element.wait_for(state="visible", timeout=self._ms)
        except PlaywrightTimeout as exc:
            raise self._timed_out(selector, "to be clickable") from exc
        try:
            with self.page.expect_navigation(
                timeout=self._ms, wait_until="domcontentloaded"
            ) as navigation:
                element.click(timeout=self._ms)
            response = navigation.value
        except PlaywrightTimeout as exc:
            raise PageRejected(
                f"clicked {selector} at {before}; the page it leads to did not load "
                f"within {self.timeout_s:g} s"
            ) from exc
        if response is not None and response.status >= 500:
            raise PageRejected(f"HTTP {response.status} from {self._where()}")

    def wait_for_url(self, pattern: str) -> None:
        regex = re.compile(pattern)
        try:
            self.page.wait_for_url(
                lambda url: bool(regex.search(urlsplit(url).path)),
                timeout=self._ms,
                wait_until="domcontentloaded",
            )
        except PlaywrightTimeout as exc:
            raise PageRejected(
                f"waited {self.timeout_s:g} s for the page's path to match {pattern!r}; "
                f"it is still {self._where()}"
            ) from exc

    def see(self, check: Check) -> None:
        """Wait until the element shows (with a wanted text, if the check names one),
        or the page shows its refusal, or a failed text."""
        selector = fill_in(check.selector, self.values)
        element = self.page.locator(selector)
        wanted, awaited = element, "to show"
        if check.one_of or check.failed:
            texts = [fill_in(t, self.values) for t in check.one_of + check.failed]
            wanted = element.filter(has_text=_one_of(texts))
            awaited = "to show " + " or ".join(repr(t) for t in texts)
        elif check.contains is not None:
            contains = fill_in(check.contains, self.values)
            wanted = element.filter(has_text=re.compile(re.escape(contains)))
            awaited = f"to show a text containing {contains!r}"
        rejected = (
            self.page.locator(fill_in(check.rejected, self.values)) if check.rejected else None
        )
        try:
            (wanted if rejected is None else wanted.or_(rejected)).first.wait_for(timeout=self._ms)
        except PlaywrightTimeout as exc:
            raise self._timed_out(selector, awaited + self._showing(element)) from exc
        if rejected is not None and rejected.count() and rejected.first.is_visible():
            raise PageRejected(f"{self._text(rejected)} (shown at {self._where()})")
        if check.failed:
            shown = self._text(element)
            if _one_of([fill_in(t, self.values) for t in check.failed]).match(shown):
                detail = ""
                if check.detail:
                    detail = (
                        f": {self._text(self.page.locator(fill_in(check.detail, self.values)))}"
                    )
                raise PageRejected(f"{selector} shows {shown!r}{detail}")

    def _text(self, locator: Locator) -> str:
        try:
            return locator.first.inner_text(timeout=self._ms).strip()
        except PlaywrightTimeout:
            return "(nothing)"

    def _showing(self, element: Locator) -> str:
        """What the element shows instead, for a timed-out wait's message."""
        try:
            if not element.count():
                return "; it is not in the page"
            text = element.first.inner_text(timeout=1000).strip()
        except PlaywrightError:  # gone meanwhile (the page moved on)
            return "; it is not in the page"
        return f"; it shows {text!r}" if text else "; it is empty"
