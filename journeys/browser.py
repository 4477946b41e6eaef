"""Debian's Chromium through Playwright (never Playwright's own browser download)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from harness.errors import InfrastructureError

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_args(chromium: Path) -> dict[str, Any]:
    """Keyword arguments for `browser_type.launch()`."""
    if not chromium.exists():
        raise InfrastructureError(
            f"no Chromium at {chromium}. Hint: `apt-get install chromium` (scripts/setup does), "
            "or set PAGERDRILL_CHROMIUM."
        )
    return {"executable_path": str(chromium), "headless": True, "args": CHROMIUM_ARGS}


@contextmanager
def chromium(path: Path) -> Iterator[Browser]:
    """A headless Chromium for the calling thread::

    with chromium(settings.chromium) as browser:
        result = run_journey("login", browser.new_context(), JourneyTarget.from_settings(settings))
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args(path))
        try:
            yield browser
        finally:
            browser.close()
