"""The pre-release gate as a user runs it: every drill of the `gate` profile
against the healthy sandbox, then the target's gate criteria."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SANDBOX_TARGET, pagerdrill_cli

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_gate_profile_passes_on_the_healthy_sandbox(sandbox: Any, tmp_path: Path) -> None:
    run = pagerdrill_cli(
        "run", "--profile", "gate", "--target", str(SANDBOX_TARGET), "--output", str(tmp_path),
        state_dir=tmp_path / "state",
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "readiness verdict: PASS (3 passed; gate passed)" in output
    results = json.loads((tmp_path / "results.json").read_text())
    assert sorted(d["drill"] for d in results["drills"]) == [
        "app-crash",
        "db-primary-killed",
        "error-storm",
    ]
    assert all(g["passed"] for g in results["gate"])
