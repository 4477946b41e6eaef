"""The app-crash drill as a user runs it: `pagerdrill run` against the sandbox."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from playwright.sync_api import Page

from harness.clients import PrometheusClient
from harness.polling import wait_until
from harness.results import SCHEMA_PATH
from harness.settings import Settings
from tests.conftest import REPO, SANDBOX_TARGET, pagerdrill_cli
from tests.junit_schema import violations

pytestmark = [pytest.mark.integration, pytest.mark.browser]
ARTIFACTS = REPO / "out" / "test-results"


def test_app_crash_passes_with_measured_mttd_and_mttr(
    sandbox: Any, settings: Settings, tmp_path: Path, page: Page
) -> None:
    from chaos.docker_platform import DockerPlatform

    with DockerPlatform(settings.target.platform) as platform:
        restarts_before = platform.restart_count("idp")
    # the gate's other criteria: P0 coverage needs a nightly's history (test_gate_profile)
    criterion = "  min_p0_rule_coverage_percent: 100\n"
    target = tmp_path / "sandbox.yaml"
    assert criterion in SANDBOX_TARGET.read_text()
    target.write_text(SANDBOX_TARGET.read_text().replace(criterion, ""))
    run = pagerdrill_cli(
        "run",
        "drills/app-crash.drill.yaml",
        "--target",
        str(target),
        "--output",
        str(tmp_path),
        "--profile",
        "gate",
        state_dir=tmp_path / "state",
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "readiness verdict: PASS (1 passed; gate passed)" in output
    assert "app-crash: injecting fault crash-process on idp" in output  # live progress

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
            "incident-automation",
            "email-executive",
        )
    }
    assert 0 < drill["mttr_s"]["journey.login"] <= 60
    login = drill["journeys"]["login"]
    assert login["before"]["success_ratio"] == 1.0
    assert login["after"]["success_ratio"] == 1.0
    assert login["after"]["attempts"] >= 3  # K = 3 consecutive successes define "back"
    kinds = [e["kind"] for e in drill["timeline"]]
    assert (
        kinds.index("fault.injected") < kinds.index("alert.firing") < kinds.index("fault.reverted")
    )
    with DockerPlatform(settings.target.platform) as platform:
        assert platform.restart_count("idp") == restarts_before + 1
    jsonschema.validate(results, json.loads(SCHEMA_PATH.read_text()))
    assert [g["passed"] for g in results["gate"]] == [True, True, True]
    junit = (tmp_path / "junit.xml").read_text()
    assert violations(junit) == []
    cases = ET.fromstring(junit).findall(".//testsuite[@name='drill app-crash']/testcase")
    assert len(cases) == len(drill["checks"]) == 14  # with "no unexpected P0/P1 pages"
    assert all(c.find("failure") is None for c in cases)

    password = settings.password.get_secret_value()
    assert password not in output
    report = (tmp_path / "report.html").read_text()
    assert password not in (tmp_path / "results.json").read_text() + junit + report

    with PrometheusClient(settings.target.prometheus.url) as prometheus:
        for series in (
            'pagerdrill_drill_passed{drill="app-crash", environment="sandbox"}',
            'pagerdrill_run_passed{profile="gate", environment="sandbox"}',
            f'pagerdrill_journey_success{{journey="login", run_id="{results["run_id"]}"}}',
        ):
            pushed = wait_until(
                lambda s=series: prometheus.query(s),
                10,
                expected=f"{series} scraped from the Pushgateway",
                where="Prometheus",
            )
            assert pushed[0]["value"][1] == "1"
    _report_renders_in_chromium(page, tmp_path / "report.html")
    _coverage_matches_what_the_run_proved(drill, tmp_path, settings)


def _coverage_matches_what_the_run_proved(
    drill: dict[str, Any], tmp_path: Path, settings: Settings
) -> None:
    coverage = pagerdrill_cli(
        "coverage", "--target", str(SANDBOX_TARGET), "--history", str(tmp_path / "history"),
        state_dir=tmp_path / "state",
    )  # fmt: skip
    assert coverage.returncode == 0, coverage.stdout + coverage.stderr
    lines = coverage.stdout.splitlines()
    mttd = drill["mttd_s"]["firing.IDPDown"]
    assert (
        f"rule     IDPDown [P0]: proven by app-crash at {drill['finished_at']} (MTTD {mttd:.2f} s)"
        in lines
    )
    proven = {
        line.split()[1].rstrip(":")
        for line in lines
        if line.startswith("receiver") and "proven" in line
    }
    notified = {k.split(".")[2] for k in drill["mttd_s"] if k.startswith("notified.")}
    assert proven == notified
    rules = [line for line in lines if line.startswith("rule")]
    proven_rules = [line for line in rules if ": proven by" in line]
    assert len(proven_rules) == 1
    assert f"coverage: rules {100 * len(proven_rules) / len(rules):.0f} %" in coverage.stdout
    assert "<h2>Alert coverage</h2>" in (tmp_path / "report.html").read_text()
    with PrometheusClient(settings.target.prometheus.url) as prometheus:
        series = 'pagerdrill_coverage_items{kind="rule", status="proven", environment="sandbox"}'
        pushed = wait_until(
            lambda: prometheus.query(series), 10, expected=series, where="Prometheus"
        )
        assert pushed[0]["value"][1] == "1"


def _report_renders_in_chromium(page: Page, report: Path) -> None:
    """The report opens in a real browser without errors; the screenshot is kept."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    assert page.locator("svg.timeline").count() == 1
    assert page.get_by_role("heading", name="Readiness gate").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-app-crash.png", full_page=True)
    assert errors == []


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
