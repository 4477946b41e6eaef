"""The pre-release gate as a user runs it: every drill of the `gate` profile
against the healthy sandbox, then the target's gate criteria."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SANDBOX_TARGET, pagerdrill_cli

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_gate_profile_on_a_fresh_history_fails_only_on_p0_rule_coverage(
    sandbox: Any, tmp_path: Path
) -> None:
    """The sandbox target requires every P0 rule proven (by the nightly's history);
    the gate profile's own drills pass, and the gate names the P0 rules nothing
    stored has proven yet."""
    run = pagerdrill_cli(
        "run", "--profile", "gate", "--target", str(SANDBOX_TARGET), "--output", str(tmp_path),
        state_dir=tmp_path / "state",
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "readiness verdict: FAIL (3 passed; gate FAILED)" in output
    results = json.loads((tmp_path / "results.json").read_text())
    assert sorted(d["drill"] for d in results["drills"]) == [
        "app-crash",
        "db-primary-killed",
        "error-storm",
    ]
    assert all(d["verdict"] == "passed" for d in results["drills"])
    gate = {g["name"]: g for g in results["gate"]}
    coverage = gate.pop("P0 alert rules proven by drills >= 100 %")
    assert not coverage["passed"]
    assert coverage["detail"].startswith("33 % of 6 P0 rules proven; not: ")
    for unproven in ("IDPAuthenticationDown", "IDPCatastrophicErrorRate", "IDPSuspiciousSignIn"):
        assert unproven in coverage["detail"]
    assert all(g["passed"] for g in gate.values()), gate
