"""The detection floor from Prometheus and Alertmanager configuration: durations,
Alertmanager's routing (inheritance, `continue`, matchers), and deadlines below the
floor refused with the drill's file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.drill import load_drill, resolve_alerts
from harness.errors import ConfigError
from remediation.detection import (
    DetectionFloor,
    RouteTiming,
    check_deadlines,
    prometheus_duration,
    routes_for,
)
from remediation.promql import promql_duration
from sandbox.monitoring_config import MonitoringConfig


@pytest.mark.parametrize(
    ("text", "seconds"), [("1s", 1), ("1m30s", 90), ("500ms", 0.5), ("2h", 7200), ("1d", 86400)]
)
def test_prometheus_durations(text: str, seconds: float) -> None:
    assert prometheus_duration(text) == seconds


@pytest.mark.parametrize(("seconds", "text"), [(3.6, "3600ms"), (720, "720000ms"), (0.5, "500ms")])
def test_durations_written_into_promql_are_whole_milliseconds(seconds: float, text: str) -> None:
    """PromQL refuses `3.6s` (the standing check of a 360 s window wrote it once)."""
    assert promql_duration(seconds) == text
    assert prometheus_duration(text) == seconds


def test_a_malformed_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="not a Prometheus duration"):
        prometheus_duration("5 minutes")


def test_the_sandbox_routes_p0_to_its_six_receivers_with_their_timings() -> None:
    route = MonitoringConfig.load("production").alertmanager["route"]
    routes = routes_for(route, {"alertname": "IDPDown", "priority": "P0"})
    assert [r.receiver for r in routes] == [
        "pagerduty-critical",
        "slack-critical",
        "email-oncall",
        "sms-oncall",
        "incident-automation",
        "email-executive",
    ]
    assert {(r.group_wait_s, r.group_interval_s) for r in routes} == {(30.0, 300.0)}
    assert [r.receiver for r in routes_for(route, {"priority": "none"})] == ["unrouted"]


def test_children_inherit_and_override_timings_and_the_first_match_stops() -> None:
    route = {
        "receiver": "default",
        "group_wait": "10s",
        "routes": [
            {"matchers": ['team=~"db|storage"'], "receiver": "db", "group_wait": "2s"},
            {"match": {"team": "db"}, "receiver": "never"},
            {"matchers": ['team!="db"'], "receiver": "others"},
        ],
    }
    assert routes_for(route, {"team": "db"}) == [RouteTiming("db", 2.0, 300.0)]
    assert routes_for(route, {"team": "web"}) == [RouteTiming("others", 10.0, 300.0)]


def _floor(for_s: float, group_wait_s: float) -> DetectionFloor:
    routes = tuple(
        RouteTiming(r, group_wait_s, 60.0)
        for r in (
            "pagerduty-critical",
            "slack-critical",
            "email-oncall",
            "sms-oncall",
            "email-executive",
        )
    )
    return DetectionFloor("IDPDown", for_s, 1.0, 1.0, routes)


def test_a_deadline_below_the_floor_is_a_config_error_at_the_alert_line(tmp_path: Path) -> None:
    path = tmp_path / "slow.drill.yaml"
    path.write_text(
        "name: slow\nfault: {kind: crash-process, workload: idp}\nexpect:\n  alerts:\n"
        "    - name: IDPDown\n      priority: P0\n      within: 20s\n"
        "      receivers: [pagerduty-critical, sms-oncall]\n"
    )
    drill, source = load_drill(path)
    alerts = resolve_alerts(drill, source, None)
    check_deadlines(source, alerts, {"IDPDown": _floor(5, 10)})  # 15 s: can be met
    with pytest.raises(ConfigError) as raised:
        check_deadlines(source, alerts, {"IDPDown": _floor(15, 10)})
    message = str(raised.value)
    assert f"{path}:5" in message
    assert "deadline 20 s is below its detection floor 27 s for pagerduty-critical" in message
    assert "scrape 1 s + evaluation 1 s + `for` 15 s + group_wait 10 s" in message
    with pytest.raises(ConfigError, match="can never fire in time"):
        check_deadlines(source, alerts, {"IDPDown": _floor(30, 0)})


def test_group_memory_puts_group_interval_in_the_floor() -> None:
    floor = _floor(5, 1).with_group_memory()
    assert floor.notified_s("sms-oncall") == 67.0
    assert "group_interval 60 s" in floor.explain("sms-oncall")


def test_an_alert_without_for_still_waits_for_a_scrape_and_an_evaluation() -> None:
    floor = _floor(0, 1)
    assert floor.firing_s == 2.0  # not 0: no alert fires before the next scrape
    assert floor.notified_s("pagerduty-critical") == 3.0
    assert floor.explain("pagerduty-critical") == (
        "scrape 1 s + evaluation 1 s + `for` 0 s + group_wait 1 s of the route to "
        "pagerduty-critical"
    )
