"""A drill's incident-response expectations are checked against its target and the
contract before anything is touched: the target must read the tool back, the
contract must require it at the alert's priority, content needs the audiences."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.drill import load_drill
from harness.errors import ConfigError
from harness.settings import Settings, load_settings
from remediation.validation import validate_drill

REPO = Path(__file__).resolve().parents[2]
WITHOUT_SINK = (REPO / "targets" / "sandbox-without-sink.yaml").read_text()
TOOLS = """war_room: {kind: slack, url: http://127.0.0.1:9, token: {env: TOOL_TOKEN}}
status_page:
  kind: statuspage
  url: http://127.0.0.1:9
  page_id: sandbox
  token: {env: TOOL_TOKEN}
"""
ENV = {"TOOL_TOKEN": "tool-secret-token-77"}


def _settings(tmp_path: Path, tools: str = TOOLS) -> Settings:
    path = tmp_path / "target.yaml"
    path.write_text(WITHOUT_SINK + tools)
    return load_settings(path, environ=ENV)


def _drill(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    text = (REPO / "drills" / "p0-war-room.drill.yaml").read_text()
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "p0-war-room.drill.yaml"
    path.write_text(text)
    return path


def test_the_war_room_drill_validates_where_the_target_reads_its_tools(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    valid = validate_drill(*load_drill(_drill(tmp_path)), settings)
    assert valid.drill.expect.war_room is not None
    assert settings.receiver_secrets["war_room"].get_secret_value() == ENV["TOOL_TOKEN"]
    assert ENV["TOOL_TOKEN"] not in repr(settings)


def test_a_target_without_the_tool_is_refused_at_the_drills_line(tmp_path: Path) -> None:
    settings = _settings(tmp_path, tools="")
    with pytest.raises(ConfigError) as raised:
        validate_drill(*load_drill(_drill(tmp_path)), settings)
    message = str(raised.value)
    assert "p0-war-room.drill.yaml:" in message
    assert "expect.war_room" in message
    assert "the target has no `war_room` reader to read it back from" in message


def test_a_tool_the_contract_does_not_require_at_that_priority_is_refused(tmp_path: Path) -> None:
    drill = _drill(
        tmp_path,
        (
            "{name: IDPDown, priority: P0, resolve_within: 60s}",
            "{name: IDPHighErrorRate, priority: P1}",
        ),
        ("war_room: {alert: IDPDown", "war_room: {alert: IDPHighErrorRate"),
        ("  status_page: {alert: IDPDown, opens_within: 30s, closes_within: 60s}\n", ""),
    )
    with pytest.raises(ConfigError) as raised:
        validate_drill(*load_drill(drill), _settings(tmp_path))
    assert "the contract does not require a war room at P1" in str(raised.value)


def test_a_tool_for_an_alert_the_drill_does_not_expect_is_refused(tmp_path: Path) -> None:
    drill = _drill(
        tmp_path, ("status_page: {alert: IDPDown", "status_page: {alert: IDPHighErrorRate")
    )
    with pytest.raises(ConfigError) as raised:
        load_drill(drill)
    assert "status_page follows IDPHighErrorRate, not an expected alert" in str(raised.value)
