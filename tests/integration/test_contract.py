"""`pagerdrill contract check --live` against the live sandbox: it holds on the healthy
configuration and names the mismatch on each routing or labelling variant, from the
routing tree (amtool) and from the silenced test alerts Alertmanager routed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.settings import Settings
from remediation.contract_live import TEST_ALERT
from remediation.receivers import open_readers
from sandbox.docker import compose
from tests.conftest import SANDBOX_TARGET, pagerdrill_cli

pytestmark = [pytest.mark.integration, pytest.mark.variant]
ALERTMANAGER = "http://127.0.0.1:19093"

VARIANTS = {
    "healthy": (0, ["contract sandbox against sandbox: holds"]),
    "wrong-priority": (
        1,
        [
            "MISMATCH prometheus rule IDPDown (group idp-availability, "
            "/etc/pagerdrill/rules/idp.yml): priority P2, but the contract puts it at P0"
        ],
    ),
    "p0-routed-to-p2": (
        2,
        [
            "MISMATCH alertmanager route for priority=P0: does not reach slack-critical; "
            "also reaches slack-low",
            "MISMATCH live Alertmanager, test alert priority=P0: does not reach "
            "slack-critical; also reaches slack-low",
        ],
    ),
}


@pytest.fixture
def variant(sandbox: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    name = str(request.param)
    compose.apply_variant(sandbox, name)
    yield name
    compose.apply_variant(sandbox, "healthy")


@pytest.mark.parametrize("variant", VARIANTS, indirect=True)
def test_contract_check_names_each_mismatch(
    variant: str, settings: Settings, tmp_path: Path
) -> None:
    since = time.time()
    run = pagerdrill_cli(
        "contract", "check", "--live", "--target", str(SANDBOX_TARGET), state_dir=tmp_path
    )
    mismatches, lines = VARIANTS[variant]
    assert run.returncode == (1 if mismatches else 0), run.stdout + run.stderr
    for line in lines:
        assert line in run.stdout
    assert run.stdout.count("MISMATCH") == mismatches  # exactly the broken places
    # the test alerts paged nobody and are gone, as is their silence
    with httpx.Client(base_url=ALERTMANAGER) as alertmanager:
        held = alertmanager.get("/api/v2/alerts", params={"filter": f"alertname={TEST_ALERT}"})
        assert held.json() == []
        states = {s["status"]["state"] for s in alertmanager.get("/api/v2/silences").json()}
        assert states <= {"expired"}
    time.sleep(3)  # beyond the fast profile's group_wait
    with open_readers(settings) as readers:
        assert readers.notifications([TEST_ALERT], since) == []
