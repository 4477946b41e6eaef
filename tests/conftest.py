"""Fixtures shared by the harness's own tests: the sandbox (started once per test
session, removed at the end), settings for it, and Playwright on Debian's Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.clients import NotificationSinkClient
from harness.polling import wait_until
from harness.results import DrillResult
from harness.settings import Settings, load_settings
from journeys.browser import launch_args
from journeys.target import JourneyTarget
from remediation.receivers import open_readers

REPO = Path(__file__).resolve().parents[1]
SINK_URL = "http://127.0.0.1:19095"  # the sandbox's sink, published on loopback
SANDBOX_TARGET = REPO / "targets" / "sandbox.yaml"


def run_passing_drill(name: str, settings: Settings) -> DrillResult:
    """Run `drills/NAME.drill.yaml` and assert that it passed (failed checks shown)."""
    from harness.drill import load_drill
    from remediation.runner import run_drill
    from remediation.validation import validate_drill

    drill, source = load_drill(REPO / "drills" / f"{name}.drill.yaml")
    result = run_drill(validate_drill(drill, source, settings), settings)
    failed = {c.name: c.detail for c in result.failed_checks}
    assert result.verdict == "passed", f"{name}: {result.error} {failed}"
    return result


def pagerdrill_cli(
    *args: str, state_dir: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `pagerdrill ARGS` as a user would, with its own fault journal folder."""
    env = {**os.environ, "PAGERDRILL_STATE_DIR": str(state_dir)}
    return subprocess.run(
        [sys.executable, "-m", "pagerdrill", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def await_notified(
    settings: Settings, alertname: str, since: float, receivers: set[str], timeout: float = 30
) -> set[str]:
    """Wait until `alertname` (firing) reached at least `receivers` according to the
    receivers' own systems (the target's readers); return every receiver it reached."""
    with open_readers(settings) as readers:

        def reached() -> set[str]:
            return {
                n.receiver
                for n in readers.notifications([alertname], since)
                if n.status == "firing"
            }

        wait_until(
            lambda: reached() >= receivers,
            timeout,
            expected=f"{alertname} notified to {', '.join(sorted(receivers))}",
            where="the receivers",
            describe=reached,
        )
        return reached()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Any]:
    """The running sandbox (healthy variant), as its state folder."""
    from sandbox.docker import compose
    from sandbox.docker.topology import DEFAULT_STATE_DIR

    state = compose.StateDir(DEFAULT_STATE_DIR)
    compose.up(state)
    yield state
    compose.down()


@pytest.fixture
def variant(sandbox: Any) -> Iterator[Any]:
    """Switch the sandbox to a broken variant (`variant("wrong-priority")`); healthy
    again after the test."""
    from sandbox.docker import compose

    def switch(name: str) -> None:
        compose.apply_variant(sandbox, name)

    yield switch
    compose.apply_variant(sandbox, "healthy")
    # A variant may leave incidents open that nothing will resolve (with
    # resolved-notifications-off, Alertmanager never sends the resolve): the next
    # test's page would merge into one, as PagerDuty deduplicates. On-call would
    # resolve it by hand; the tests start the receiving systems afresh.
    with NotificationSinkClient(SINK_URL, token=sandbox.secret("sink-token")) as sink:
        sink.clear()


@pytest.fixture(scope="session")
def settings(sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(
        SANDBOX_TARGET,
        tmp_path_factory.mktemp("out"),
        environ={
            "PAGERDRILL_STATE_DIR": str(tmp_path_factory.mktemp("state")),
            "PAGERDRILL_RUN_ID": "test-run",
        },
    )


def _signed_in(settings: Settings, base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        response = client.post(
            "/api/login",
            json={
                "username": settings.target.app.credentials.username,
                "password": settings.password.get_secret_value(),
            },
        )
        response.raise_for_status()
        client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        yield client


@pytest.fixture
def api(sandbox: Any, settings: Settings) -> Iterator[httpx.Client]:
    """The IDP's JSON API through the proxy, signed in as the seeded user."""
    yield from _signed_in(settings, settings.target.app.base_url)


@pytest.fixture
def hooked_api(sandbox: Any, settings: Settings) -> Iterator[httpx.Client]:
    """The JSON API of the replica `admin` sets hooks on, signed in: through the
    proxy, a replica the autoscaler added during the suite answers some requests."""
    yield from _signed_in(settings, settings.target.app.hooks_url)


@pytest.fixture
def admin(sandbox: Any, settings: Settings) -> Iterator[httpx.Client]:
    """The IDP's fault hooks (admin API) on the first replica, not through the proxy
    (as the target says: a replica added by the autoscaler must not take a hook, or
    its revert); every hook is cleared after the test."""
    token = sandbox.secret("admin-token")
    with httpx.Client(
        base_url=settings.target.app.hooks_url, timeout=10, headers={"X-Admin-Token": token}
    ) as client:
        yield client
        client.delete("/admin/faults").raise_for_status()


@pytest.fixture(scope="session")
def journey_target(settings: Settings) -> JourneyTarget:
    return JourneyTarget.from_settings(settings)


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig: pytest.Config) -> dict[str, Any]:
    """pytest-playwright's launch arguments: Debian's Chromium, never a download."""
    return launch_args(Path("/usr/bin/chromium"))
