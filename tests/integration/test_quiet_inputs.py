"""MTTD you can trust: a drill started right after its alert's inputs were polluted
(a burst of errors still inside the fast-burn alert's long window) waits until the
residue has left the windows before its fault and says so on its timeline, so its
MTTD is not the shortened one of a polluted start; inputs that cannot quiet down in
time make a drill error naming the alert and the values seen, never a pass."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from harness import clock
from harness.clients import PrometheusClient
from harness.drill import load_drill
from harness.events import EventKind
from harness.polling import wait_until
from harness.settings import Settings
from remediation.runner import run_drill
from remediation.validation import validate_drill
from tests.conftest import REPO

pytestmark = pytest.mark.integration
FAST_BURN = "IDPErrorBudgetFastBurn"


LONG_WINDOW_RATIO = "slo:idp_availability_errors:ratio_page_long"


def _pollute(hooked_api: httpx.Client, admin: httpx.Client, settings: Settings) -> None:
    """Template listings fail until Prometheus shows the errors in the fast-burn
    alert's long window (bounded: loopback, at most 400 requests in 40 s). The test
    proves a polluted start, not assumes it,
    and starts from a quiet window: a residue of the tests before (an error storm)
    chained to this one could otherwise hold the ratio up for minutes."""
    with PrometheusClient(settings.target.prometheus.url) as prometheus:
        wait_until(
            lambda: max(prometheus.values(LONG_WINDOW_RATIO), default=0.0) <= 0.000144,
            120,
            expected=f"{LONG_WINDOW_RATIO} quiet before the pollution",
            where="Prometheus",
        )
        admin.put("/admin/faults", json={"error_rate": {"/api/templates": 1.0}}).raise_for_status()
        seen: list[float] = []
        try:
            end = time.monotonic() + 40
            for sent in range(400):
                if time.monotonic() > end:
                    break
                assert hooked_api.get("/api/templates").status_code == 500
                time.sleep(0.05)
                if sent % 20 == 19:
                    seen = prometheus.values(LONG_WINDOW_RATIO)
                    if sent >= 199 and seen and max(seen) > 0.1:
                        break
        finally:
            admin.delete("/admin/faults").raise_for_status()
    assert max(seen, default=0.0) > 0.1, f"Prometheus never saw the pollution: {seen}"


def test_a_polluted_start_waits_for_quiet_inputs_before_the_fault(
    hooked_api: httpx.Client, admin: httpx.Client, settings: Settings
) -> None:
    drill, source = load_drill(REPO / "drills" / "slo-fast-burn.drill.yaml")
    valid = validate_drill(drill, source, settings)
    _pollute(hooked_api, admin, settings)
    polluted_until = clock.now()
    polluted = run_drill(valid, settings)
    assert polluted.verdict == "passed", [c.detail for c in polluted.failed_checks]
    (quiet,) = [e for e in polluted.events if e.kind == EventKind.QUIET_INPUTS]
    (fault,) = [e for e in polluted.events if e.kind == EventKind.FAULT_INJECTED]
    assert quiet.detail["alert"] == FAST_BURN
    assert quiet.detail["quiet"] is True
    checked_after = quiet.at - float(quiet.detail["waited_s"]) - polluted_until
    assert checked_after < 45, f"the first quiet check came {checked_after:.1f} s after"
    # the long window (60 s) still held errors when the check began
    assert float(quiet.detail["waited_s"]) > 5, quiet.detail["inputs"]
    assert quiet.at < fault.at
    # at the fault both windows were back to (near) zero, not half-way to firing
    inputs = str(quiet.detail["inputs"])
    for window in ("ratio_page_long", "ratio_page_short"):
        after = inputs.split(f"slo:idp_availability_errors:{window} = ")[1]
        shown = after.split(" ", maxsplit=1)[0]
        assert shown in ("no", "0") or float(shown.rstrip(",")) <= 0.000144, inputs


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
