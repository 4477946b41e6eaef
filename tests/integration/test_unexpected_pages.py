"""Unexpected pages on the real sandbox: a crash pages P0 (IDPDown); a drill that
does not expect that page fails naming it, and the same drill allowing it passes
and still lists it with its receivers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.clients import AlertmanagerClient, PrometheusClient
from harness.polling import wait_until
from harness.settings import Settings
from tests.conftest import SANDBOX_TARGET, pagerdrill_cli

pytestmark = pytest.mark.integration
P0_RECEIVERS = {"pagerduty-critical", "slack-critical", "email-oncall", "sms-oncall"}


def _run_crash_drill(
    settings: Settings, tmp_path: Path, **expect: Any
) -> tuple[str, dict[str, Any]]:
    """The crash drill, once an IDPDown of an earlier crash is gone from Prometheus and
    Alertmanager (the drill expects no alert, so its steady state does not wait)."""
    with (
        PrometheusClient(settings.target.prometheus.url) as prometheus,
        AlertmanagerClient(settings.target.alertmanager.url) as alertmanager,
    ):
        wait_until(
            lambda: (
                not prometheus.active_alerts(["IDPDown"])
                and not alertmanager.active_alerts("IDPDown")
            ),
            90,
            expected="no IDPDown left from an earlier crash",
            where="Prometheus and Alertmanager",
        )
    drill = tmp_path / "quiet-crash.drill.yaml"
    drill.write_text(
        yaml.safe_dump(
            {
                "name": "quiet-crash",
                "fault": {"kind": "crash-process", "workload": "idp"},
                "expect": {"recovery": {"restart": {"workload": "idp", "within": "30s"}}, **expect},
            }
        )
    )
    run = pagerdrill_cli(
        "run", str(drill), "--target", str(SANDBOX_TARGET), "--output", str(tmp_path),
        state_dir=tmp_path / "state",
    )  # fmt: skip
    results = json.loads((tmp_path / "results.json").read_text())
    return run.stdout + run.stderr, results["drills"][0]


def test_a_p0_page_the_drill_does_not_expect_fails_it(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    output, drill = _run_crash_drill(settings, tmp_path)
    assert drill["verdict"] == "failed", output
    failed = [c for c in drill["checks"] if not c["passed"]]
    assert [c["name"] for c in failed] == ["no unexpected P0/P1 pages"], failed
    assert "IDPDown (P0, other) notified" in failed[0]["detail"]
    seen = {a["alert"]: a for a in drill["alerts"]}
    assert seen["IDPDown"]["unexpected_page"] is True
    assert set(seen["IDPDown"]["notified"]) >= P0_RECEIVERS
    assert 0 < seen["IDPDown"]["first_notified_s"] < 30


def test_the_same_page_allowed_by_name_passes_and_is_listed(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    output, drill = _run_crash_drill(settings, tmp_path, allow_alerts=["IDPDown"])
    assert drill["verdict"] == "passed", output
    seen = {a["alert"]: a for a in drill["alerts"]}
    assert seen["IDPDown"]["role"] == "allowed"
    assert seen["IDPDown"]["unexpected_page"] is False
    assert set(seen["IDPDown"]["notified"]) >= P0_RECEIVERS
