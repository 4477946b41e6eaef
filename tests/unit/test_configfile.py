"""Malformed drill and target files fail with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.drill import check_against_target, load_drill
from harness.errors import ConfigError
from harness.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
GOOD_DRILL = (REPO / "drills" / "app-crash.drill.yaml").read_text()
GOOD_TARGET = (REPO / "targets" / "sandbox.yaml").read_text()


def _write(tmp_path: Path, text: str, name: str = "x.drill.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (
            "within: 30s\n      receivers",
            "within: soon\n      receivers",
            "expect.alerts[0].within",
            "not a duration",
        ),
        ("priority: P0", "priority: P9", "expect.alerts[0].priority", "P0"),
        ("kind: crash-process", "kind: meteor-strike", "fault.kind", "crash-process"),
        ("journeys: [login]", "journeys: [Check Out]", "journeys[0]", "pattern"),
        (
            "      within: 30s\n    journeys_green",
            "      withn: 30s\n    journeys_green",
            "expect.recovery.restart.withn",
            "Extra inputs",
        ),
    ],
)
def test_invalid_drill_names_file_line_and_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in GOOD_DRILL
    text = GOOD_DRILL.replace(old, new, 1)
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_drill(path)
    error = caught.value
    assert error.path == path
    assert error.field.startswith(field)
    assert problem in str(error)
    changed = new.split("\n", maxsplit=1)[0].strip()
    assert error.line == _line_of(text, changed)
    assert str(error).startswith(f"{path}:{error.line}: ")


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: x\nfault: {kind: crash-process\njourneys: []\n")
    with pytest.raises(ConfigError, match=r"x\.drill\.yaml:\d+: invalid YAML") as caught:
        load_drill(path)
    assert caught.value.line is not None


def test_unknown_top_level_field_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_DRILL + "expectations: {}\n")
    with pytest.raises(ConfigError) as caught:
        load_drill(path)
    assert caught.value.field == "expectations"
    assert caught.value.line == len(GOOD_DRILL.splitlines()) + 1


def test_receivers_and_not_receivers_must_not_overlap(tmp_path: Path) -> None:
    text = GOOD_DRILL.replace("not_receivers: [pagerduty-high,", "not_receivers: [slack-critical,")
    with pytest.raises(ConfigError, match="both name slack-critical"):
        load_drill(_write(tmp_path, text))


def _checked_against_the_target(
    tmp_path: Path, drill_text: str, target_text: str = GOOD_TARGET
) -> None:
    drill, source = load_drill(_write(tmp_path, drill_text))
    settings = load_settings(
        _write(
            tmp_path,
            target_text.replace(
                "password_file: /var/tmp/pagerdrill/sandbox/secrets/idp-password",
                "password: not-a-real-secret",
            ),
            "target.yaml",
        )
    )
    check_against_target(drill, source, settings.target, settings.journey_pack)


def test_unknown_workload_is_reported_against_the_target(tmp_path: Path) -> None:
    text = GOOD_DRILL.replace("workload: idp\njourneys", "workload: billing\njourneys")
    with pytest.raises(ConfigError) as caught:
        _checked_against_the_target(tmp_path, text)
    assert caught.value.field == "fault.workload"
    assert caught.value.line == _line_of(text, "workload: billing")
    assert "billing" in str(caught.value)
    assert "idp" in str(caught.value)


def test_a_journey_the_targets_pack_lacks_is_reported_at_its_line(tmp_path: Path) -> None:
    text = GOOD_DRILL.replace("journeys: [login]", "journeys: [login, spawn-notebook]")
    assert text != GOOD_DRILL
    with pytest.raises(ConfigError) as caught:
        _checked_against_the_target(tmp_path, text)
    assert caught.value.field == "journeys[1]"
    assert caught.value.line == _line_of(text, "journeys: [login, spawn-notebook]")
    assert "'reference-idp' has no journey 'spawn-notebook'" in str(caught.value)


def test_target_url_must_be_http(tmp_path: Path) -> None:
    text = GOOD_TARGET.replace("url: http://127.0.0.1:19090", "url: 127.0.0.1:19090")
    path = _write(tmp_path, text, "target.yaml")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert caught.value.field == "prometheus.url"
    assert caught.value.line == _line_of(text, "url: 127.0.0.1:19090")


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_drill(tmp_path / "absent.drill.yaml")


LOCK_DRILL = (REPO / "drills" / "sign-in-lock.drill.yaml").read_text()


def test_a_database_lock_without_a_hold_is_refused_at_its_fault(tmp_path: Path) -> None:
    text = LOCK_DRILL.replace("  hold: 15s\n", "")
    assert text != LOCK_DRILL
    with pytest.raises(ConfigError) as caught:
        load_drill(_write(tmp_path, text))
    assert caught.value.field == "fault.database-lock.hold"
    assert caught.value.line == _line_of(text, "fault:")  # the fault that lacks it


def test_a_database_lock_needs_the_targets_database_connection(tmp_path: Path) -> None:
    start = GOOD_TARGET.index("data_probe:")
    end = GOOD_TARGET.index("platform:", start)
    without = GOOD_TARGET[:start] + GOOD_TARGET[end:]
    with pytest.raises(ConfigError) as caught:
        _checked_against_the_target(tmp_path, LOCK_DRILL, without)
    assert caught.value.field == "fault.kind"
    assert "database-lock needs the target's data_probe" in str(caught.value)
