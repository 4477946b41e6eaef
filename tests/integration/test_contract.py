"""`pagerdrill contract check` against the live sandbox: it holds on the healthy
configuration and names the mismatch on each routing or labelling variant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.docker import compose
from tests.conftest import SANDBOX_TARGET, pagerdrill_cli

pytestmark = [pytest.mark.integration, pytest.mark.variant]

VARIANTS = {
    "healthy": (0, "contract sandbox against sandbox: holds"),
    "wrong-priority": (
        1,
        "MISMATCH prometheus rule IDPDown (group idp-availability, "
        "/etc/pagerdrill/rules/idp.yml): priority P2, but the contract puts it at P0",
    ),
    "p0-routed-to-p2": (
        1,
        "MISMATCH alertmanager route for priority=P0: does not reach slack-critical; "
        "also reaches slack-low",
    ),
}


@pytest.fixture
def variant(sandbox: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    name = str(request.param)
    compose.apply_variant(sandbox, name)
    yield name
    compose.apply_variant(sandbox, "healthy")


@pytest.mark.parametrize("variant", VARIANTS, indirect=True)
def test_contract_check_names_each_mismatch(variant: str, tmp_path: Path) -> None:
    run = pagerdrill_cli("contract", "check", "--target", str(SANDBOX_TARGET), state_dir=tmp_path)
    code, line = VARIANTS[variant]
    assert run.returncode == code, run.stdout + run.stderr
    assert line in run.stdout
    assert run.stdout.count("MISMATCH") == code  # exactly the broken place, nothing else
