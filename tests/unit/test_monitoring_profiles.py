"""The sandbox's monitoring templates, rendered for both profiles: every alert has
a promtool case where it fires, every alert carries the contract's labels, and
only timings differ between the profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox.monitoring_config import PROFILES, MonitoringConfig, duration, render_profile


def _alerts(config: MonitoringConfig) -> dict[str, dict[str, Any]]:
    return {
        rule["alert"]: rule
        for rules in config.rule_files.values()
        for group in rules["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }


@pytest.mark.parametrize("profile", PROFILES)
def test_every_alert_has_a_promtool_case_where_it_fires(profile: str, tmp_path: Path) -> None:
    render_profile(profile, tmp_path)
    fired = {
        case["alertname"]
        for test_file in (tmp_path / "tests").glob("*_test.yml")
        for test in yaml.safe_load(test_file.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
        if case["exp_alerts"]
    }
    missing = sorted(set(_alerts(MonitoringConfig.load(profile))) - fired)
    assert not missing, f"{profile}: alerts no promtool test sees firing: {missing}"


@pytest.mark.parametrize("profile", PROFILES)
def test_every_alert_carries_priority_severity_and_runbook(profile: str) -> None:
    for name, rule in _alerts(MonitoringConfig.load(profile)).items():
        assert rule["labels"]["priority"] in {"P0", "P1", "P2", "security"}, name
        assert rule["labels"]["severity"], name
        assert rule["annotations"]["runbook"].startswith("https://"), name


def test_profiles_differ_in_timings_only() -> None:
    fast, production = (MonitoringConfig.load(p) for p in PROFILES)
    assert _alerts(fast).keys() == _alerts(production).keys()
    for name, rule in _alerts(fast).items():
        assert rule["labels"] == _alerts(production)[name]["labels"], name
    assert fast.prometheus["global"]["scrape_interval"] == "1s"
    assert production.prometheus["global"]["scrape_interval"] == "15s"
    assert production.rule("IDPHighErrorRate")["for"] == "2m"
    assert "[5m]" in production.rule("IDPHighErrorRate")["expr"]
    assert "[1h]" in _recording(production, "slo:idp_availability_errors:ratio_page_long")
    assert "[1m]" in _recording(fast, "slo:idp_availability_errors:ratio_page_long")


def _recording(config: MonitoringConfig, name: str) -> str:
    exprs = [
        rule["expr"]
        for rules in config.rule_files.values()
        for group in rules["groups"]
        for rule in group["rules"]
        if rule.get("record") == name
    ]
    assert len(exprs) == 1, name
    return str(exprs[0])


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (5, "5s"), (90, "90s"), (300, "5m"), (3600, "1h"), (2592000, "30d")],
)
def test_durations_use_the_largest_exact_unit(seconds: int, text: str) -> None:
    assert duration(seconds) == text
