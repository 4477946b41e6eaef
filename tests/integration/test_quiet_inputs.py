"""MTTD you can trust: a drill started right after its alert's inputs were polluted
(a burst of errors still inside the fast-burn alert's long window) waits until the
residue has left the windows before its fault, says so on its timeline, and reports
the platform's MTTD, not the shortened one; a residue that cannot clear in time is
a drill error naming the alert and the values seen, never a pass."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.drill import load_drill
from harness.events import EventKind
from harness.settings import Settings
from remediation.runner import run_drill
from remediation.validation import validate_drill
from tests.conftest import REPO

pytestmark = pytest.mark.integration
FAST_BURN = "IDPErrorBudgetFastBurn"


@pytest.fixture
def api(sandbox: Any, settings: Settings) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=settings.target.app.base_url, timeout=10) as client:
        login = client.post(
            "/api/login",
            json={
                "username": settings.target.app.credentials.username,
                "password": settings.password.get_secret_value(),
            },
        )
        login.raise_for_status()
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
        yield client


def _pollute(api: httpx.Client, admin: httpx.Client, seconds: float = 12.0) -> None:
    """Every template listing fails for a few seconds: the SLO's windows fill with
    errors (bounded: loopback, at most 200 requests)."""
    admin.put("/admin/faults", json={"error_rate": {"/api/templates": 1.0}}).raise_for_status()
    try:
        end = time.monotonic() + seconds
        for _ in range(200):
            if time.monotonic() > end:
                break
            api.get("/api/templates")
            time.sleep(0.05)
    finally:
        admin.delete("/admin/faults").raise_for_status()


def test_a_polluted_start_waits_for_quiet_inputs_and_keeps_the_true_mttd(
    api: httpx.Client, admin: httpx.Client, settings: Settings
) -> None:
    drill, source = load_drill(REPO / "drills" / "slo-fast-burn.drill.yaml")
    valid = validate_drill(drill, source, settings)
    clean = run_drill(valid, settings)
    assert clean.verdict == "passed", [c.detail for c in clean.failed_checks]
    _pollute(api, admin)
    polluted = run_drill(valid, settings)
    assert polluted.verdict == "passed", [c.detail for c in polluted.failed_checks]
    (quiet,) = [e for e in polluted.events if e.kind == EventKind.QUIET_INPUTS]
    assert quiet.detail["alert"] == FAST_BURN
    assert quiet.detail["quiet"] is True
    assert float(quiet.detail["waited_s"]) > 5, quiet.detail  # the long window still held errors
    assert "slo:idp_availability_errors:ratio_page_long" in str(quiet.detail["inputs"])
    # the same MTTD as from a clean start, within flake-check's tolerance (scrape 1 s +
    # evaluation 1 s + 10 %), not the shortened one of a polluted start
    stage = f"firing.{FAST_BURN}"
    tolerance = 2.0 + 0.1 * clean.mttd_s[stage]
    assert abs(polluted.mttd_s[stage] - clean.mttd_s[stage]) <= tolerance, (
        clean.mttd_s[stage],
        polluted.mttd_s[stage],
    )


def test_inputs_that_never_quiet_down_make_the_drill_an_error(
    settings: Settings, tmp_path: Path
) -> None:
    """The app's CPU is never 0: with quiet_margin 1 its CPU alert's input can never
    count as quiet, so the drill ends in an error before its fault."""
    drill = tmp_path / "never-quiet.drill.yaml"
    drill.write_text(
        "name: never-quiet\n"
        "steady_state_timeout: 1s\n"
        "quiet_margin: 1.0\n"
        "fault: {kind: app-latency, route: /api/templates, delay: 0.1s}\n"
        "expect:\n"
        "  alerts: [{name: IDPHighResourceUse, priority: P2}]\n"
    )
    result = run_drill(validate_drill(*load_drill(drill), settings), settings)
    assert result.verdict == "error"
    assert result.error is not None
    assert "IDPHighResourceUse's inputs quiet" in result.error
    assert "process_cpu_seconds_total" in result.error
    assert "quiet at <= 0" in result.error
    assert not [e for e in result.events if e.kind == EventKind.FAULT_INJECTED]
    (quiet,) = [e for e in result.events if e.kind == EventKind.QUIET_INPUTS]
    assert quiet.detail["quiet"] is False
