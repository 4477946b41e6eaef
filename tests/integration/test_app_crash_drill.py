"""The app-crash drill as a user runs it: `pagerdrill run` against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.clients import PrometheusClient
from harness.polling import wait_until
from harness.settings import Settings
from tests.conftest import REPO, SANDBOX_TARGET, pagerdrill_cli

pytestmark = pytest.mark.integration


def test_app_crash_passes_with_measured_mttd_and_mttr(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    from chaos.docker_platform import DockerPlatform

    with DockerPlatform(settings.target.platform) as platform:
        restarts_before = platform.restart_count("idp")
    run = pagerdrill_cli(
        "run",
        "drills/app-crash.drill.yaml",
        "--target",
        str(SANDBOX_TARGET),
        "--output",
        str(tmp_path),
        state_dir=tmp_path / "state",
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "readiness verdict: PASS" in output

    results = json.loads((tmp_path / "results.json").read_text())
    drill = results["drills"][0]
    assert drill["verdict"] == "passed"
    assert 0 < drill["mttd_s"]["firing.IDPDown"] <= 30
    assert set(drill["mttd_s"]) >= {
        f"notified.IDPDown.{r}"
        for r in (
            "pagerduty-critical",
            "slack-critical",
            "email-oncall",
            "sms-oncall",
            "email-executive",
        )
    }
    assert 0 < drill["mttr_s"]["journey.login"] <= 60
    kinds = [e["kind"] for e in drill["timeline"]]
    assert (
        kinds.index("fault.injected") < kinds.index("alert.firing") < kinds.index("fault.reverted")
    )
    with DockerPlatform(settings.target.platform) as platform:
        assert platform.restart_count("idp") == restarts_before + 1
    junit = (tmp_path / "junit.xml").read_text()
    assert 'name="app-crash"' in junit
    assert 'failures="0"' in junit

    password = settings.password.get_secret_value()
    assert password not in output
    assert password not in (tmp_path / "results.json").read_text() + junit

    with PrometheusClient(settings.target.prometheus.url) as prometheus:
        pushed = wait_until(
            lambda: prometheus.query(
                'pagerdrill_drill_passed{drill="app-crash", environment="sandbox"}'
            ),
            10,
            expected="the drill's SLIs scraped from the Pushgateway",
            where="Prometheus",
        )
    assert pushed[0]["value"][1] == "1"


def test_malformed_drill_fails_before_anything_is_touched(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    from chaos.docker_platform import DockerPlatform

    text = (REPO / "drills" / "app-crash.drill.yaml").read_text()
    bad = tmp_path / "bad.drill.yaml"
    bad.write_text(text.replace("within: 30s\n      receivers", "within: thirty\n      receivers"))
    line = next(i for i, s in enumerate(bad.read_text().splitlines(), 1) if "thirty" in s)
    with DockerPlatform(settings.target.platform) as platform:
        restarts_before = platform.restart_count("idp")
    state_dir = tmp_path / "state"

    run = pagerdrill_cli(
        "run",
        str(bad),
        "--target",
        str(SANDBOX_TARGET),
        "--output",
        str(tmp_path / "out"),
        state_dir=state_dir,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"bad.drill.yaml:{line}: expect.alerts[0].within" in run.stdout + run.stderr
    with DockerPlatform(settings.target.platform) as platform:
        assert platform.restart_count("idp") == restarts_before
    assert not (state_dir / "fault-journal.jsonl").exists()
