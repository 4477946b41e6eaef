"""Every output of a run, from one result model: the summary, results.json (valid
against its schema), junit.xml (valid against the common JUnit schema's rules),
report.html with a timeline per drill and a trend, and the stored history."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from harness.events import EventKind
from harness.results import SCHEMA_PATH, Check, DrillResult
from harness.settings import Settings, load_settings
from harness.timeline import Timeline
from pagerdrill.publish import publish
from pagerdrill.report import run_summary
from tests.junit_schema import violations

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    text = (REPO / "targets" / "sandbox.yaml").read_text()
    text = text.replace("pushgateway:\n  url: http://127.0.0.1:19091\n", "")  # nothing pushed
    text = text.replace(
        "password_file: /var/tmp/pagerdrill/sandbox/secrets/idp-password", "password: unused"
    )
    target = tmp_path / "target.yaml"
    target.write_text(text)
    return load_settings(target, tmp_path / "out", environ={"PAGERDRILL_RUN_ID": "run-1"})


def _drill(passed: bool = True, mttr: float = 1.25, error: str | None = None) -> DrillResult:
    timeline = Timeline()
    timeline.record(EventKind.JOURNEY_ATTEMPT, at=99.0, journey="login", ok=True, duration_s=0.6)
    timeline.record(EventKind.FAULT_INJECTED, at=100.0, fault="crash-process", workload="idp")
    timeline.record(
        EventKind.JOURNEY_ATTEMPT,
        at=100.2,
        journey="login",
        ok=False,
        duration_s=0.2,
        failed_step="open login page",
        error="net::ERR_CONNECTION_REFUSED",
    )
    timeline.record(EventKind.RECOVERY_RESTARTED, at=100.5, workload="idp", restart_count=2)
    timeline.record(EventKind.ALERT_FIRING, at=101.5, alert="IDPDown", priority="P0")
    timeline.record(
        EventKind.NOTIFICATION_FIRING,
        at=101.6,
        alert="IDPDown",
        receiver="pager",
        channel="pagerduty",
        priority="P0",
    )
    timeline.record(
        EventKind.JOURNEY_ATTEMPT, at=100 + mttr, journey="login", ok=True, duration_s=0.6
    )
    timeline.record(
        EventKind.NOTIFICATION_RESOLVED,
        at=111.0,
        alert="IDPDown",
        receiver="pager",
        channel="pagerduty",
    )
    return DrillResult(
        drill="app-crash",
        run_id="run-1",
        target="sandbox",
        environment="sandbox",
        started_at=95.0,
        finished_at=115.0,
        events=tuple(timeline.events),
        error=error,
        checks=(
            Check("IDPDown fired within 30 s", True, "firing 1.50 s after", 1.5, 30.0),
            Check("IDPDown has priority P0", passed, "fired with priority P2, expected P0"),
        ),
        mttd_s={
            "pending.IDPDown": 0.5,
            "firing.IDPDown": 1.5,
            "alertmanager.IDPDown": 1.52,
            "notified.IDPDown.pager": 1.6,
        },
        mttr_s={"journey.login": mttr},
        budget_burned_percent=0.48,
        priorities=("P0",),
        floors_s={"firing.IDPDown": 0.0, "notified.IDPDown.pager": 1.0},
        deadlines_s={"firing.IDPDown": 30.0, "notified.IDPDown.pager": 30.0, "journey.login": 60.0},
    )


def test_all_outputs_from_one_run(settings: Settings) -> None:
    run, outputs = publish([_drill()], settings, "nightly", started_at=90.0)
    assert run.passed
    document = json.loads(outputs.results.read_text())
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    assert document["drills"][0]["budget_burned_percent"] == 0.48
    assert document["gate"] == []  # only the gate profile has a gate
    assert document["platform"] == "docker"  # the sandbox target's

    junit = outputs.junit.read_text()
    assert violations(junit) == []
    suite = ET.fromstring(junit).find("testsuite")
    assert suite is not None
    assert suite.get("name") == "drill app-crash"
    assert [c.get("name") for c in suite.iter("testcase")] == [
        "IDPDown fired within 30 s",
        "IDPDown has priority P0",
    ]
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["mttr.journey.login"] == "1.250"

    html = outputs.report.read_text()
    assert "· sandbox (docker) ·" in html
    assert html.count("<svg") == 1
    assert "→ pager" in html
    assert "journey login" in html
    assert "No previous runs stored" in html
    assert (settings.history_dir / "run-1.json").exists()


def test_failed_check_and_gate_show_everywhere(settings: Settings) -> None:
    publish([_drill()], settings, "nightly", started_at=90.0)  # the baseline
    slower = replace(settings, run_id="run-2")
    run, outputs = publish([_drill(passed=False, mttr=9.0)], slower, "gate", started_at=90.0)
    assert not run.passed
    assert [r.stage for r in run.regressions] == ["journey.login"]
    summary = run_summary(run)
    assert "FAILED IDPDown has priority P0: fired with priority P2, expected P0" in summary
    assert "gate FAIL every P0 drill passes: failed: app-crash" in summary
    assert "regression: app-crash journey.login: 9.00 s against a baseline of 1.25 s" in summary
    assert summary.endswith("readiness verdict: FAIL (1 failed; gate FAILED)")

    junit = outputs.junit.read_text()
    assert violations(junit) == []
    root = ET.fromstring(junit)
    # the check, the P0 criterion, the regression criterion, P0 rule coverage (none proven)
    assert root.get("failures") == "4"
    failure = root.find(".//testcase[@name='IDPDown has priority P0']/failure")
    assert failure is not None
    assert failure.get("message") == "fired with priority P2, expected P0"
    assert root.find("testsuite[@name='readiness gate']") is not None

    html = outputs.report.read_text()
    assert "Readiness gate" in html
    assert "Regressions" in html
    assert "No previous runs stored" not in html  # the trend has the first run
    jsonschema.validate(
        json.loads(outputs.results.read_text()), json.loads(SCHEMA_PATH.read_text())
    )


def test_drill_error_is_a_junit_error(settings: Settings) -> None:
    _, outputs = publish(
        [_drill(error="InfrastructureError: Prometheus did not answer")],
        settings,
        None,
        started_at=90.0,
    )
    root = ET.fromstring(outputs.junit.read_text())
    assert root.get("errors") == "1"
    assert violations(outputs.junit.read_text()) == []


def test_the_schema_checker_catches_what_viewers_reject() -> None:
    assert violations('<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>') == [
        "<testsuite> lacks errors",
        "<testsuite> lacks failures",
        "<testsuite> lacks tests",
        "<testcase> lacks name",
    ]
    assert violations('<testsuites time="1 s"/>') == [
        "<testsuites> time '1 s' is not a surefire time"
    ]


def test_the_summary_shows_every_stage_against_its_floor_and_deadline(settings: Settings) -> None:
    run, _ = publish([_drill()], settings, "nightly", started_at=90.0)
    summary = run_summary(run)
    assert (
        "app-crash: IDPDown: pending 0.50 s · firing 1.50 s (floor 0 s, deadline 30 s) · "
        "in Alertmanager 1.52 s · pager 1.60 s (floor 1 s, deadline 30 s)"
    ) in summary
    assert "app-crash: recovery: journey.login 1.25 s (deadline 60 s)" in summary
