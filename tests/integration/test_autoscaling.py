"""The sandbox's auto-scaler under a load spike, through the load-spike drill as a
user runs it: replicas up within the deadline, back to one after the spike, the
controller's decisions visible as metrics, no replica left behind."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from typing import Any

import docker
import httpx
import pytest

from harness.settings import Settings
from tests.conftest import SANDBOX_TARGET, pagerdrill_cli

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def _scale_events() -> dict[str, float]:
    text = httpx.get("http://127.0.0.1:19100/metrics", timeout=5).text
    return {
        line.split('direction="')[1].split('"')[0]: float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith("sandbox_autoscaler_scale_events_total")
    }


def test_load_spike_scales_out_and_back_in(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    before = _scale_events()
    run = pagerdrill_cli(
        "run", "drills/load-spike.drill.yaml", "--target", str(SANDBOX_TARGET),
        "--output", str(tmp_path), state_dir=tmp_path / "state",
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    drill = json.loads((tmp_path / "results.json").read_text())["drills"][0]
    assert 0 < drill["mttr_s"]["scaled.idp"] <= 45
    names = [c["name"] for c in drill["checks"] if c["passed"]]
    assert "idp scaled out to at least 2 replicas within 45 s" in names
    assert "idp back to 1 replica within 60 s of the stress ending" in names
    assert drill["load"]["peak_users"] == 40
    after = _scale_events()
    assert after.get("up", 0) > before.get("up", 0)
    assert after.get("down", 0) > before.get("down", 0)
    with closing(docker.from_env()) as client:
        replicas = client.containers.list(filters={"label": "pagerdrill.replica=true"})
    assert replicas == []
