"""Where a target reads its receivers back, and the evidence each drill's receiver
checks need: decided before anything is touched, refused at the drill's line when
the target cannot show it; reader tokens stay secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.drill import load_drill
from harness.errors import ConfigError
from harness.receivers import EvidenceTier
from harness.settings import Settings, load_settings
from remediation.validation import validate_drill

REPO = Path(__file__).resolve().parents[2]
WITHOUT_SINK = (REPO / "targets" / "sandbox-without-sink.yaml").read_text()
PAGERDUTY = """  pagerduty-critical:
    kind: pagerduty
    url: https://api.pagerduty.example
    service_id: PABC123
    token: {env: PD_TOKEN}
"""
ENV = {"PD_TOKEN": "pd-secret-token-42"}


def _settings(tmp_path: Path, extra: str = PAGERDUTY, env: dict[str, str] = ENV) -> Settings:
    path = tmp_path / "target.yaml"
    path.write_text(WITHOUT_SINK.replace("receivers:\n", "receivers:\n" + extra, 1))
    return load_settings(path, environ=env)


def _drill(tmp_path: Path, evidence: str | None) -> Path:
    text = (REPO / "drills" / "app-crash.drill.yaml").read_text()
    if evidence is not None:
        text = text.replace(
            "      resolve_within: 60s\n",
            f"      resolve_within: 60s\n      evidence: {evidence}\n",
        )
    path = tmp_path / "app-crash.drill.yaml"
    path.write_text(text)
    return path


def _evidence(settings: Settings, drill: Path) -> dict[str, EvidenceTier]:
    valid = validate_drill(*load_drill(drill), settings)
    return dict(valid.alerts[0].evidence)


def test_a_reader_token_comes_from_the_environment_and_stays_secret(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert settings.receiver_secrets["pagerduty-critical"].get_secret_value() == ENV["PD_TOKEN"]
    assert ENV["PD_TOKEN"] not in repr(settings)


def test_a_missing_token_variable_names_the_receiver_and_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        _settings(tmp_path, env={})
    assert "receivers.pagerduty-critical" in str(raised.value)
    assert "PD_TOKEN is not set" in str(raised.value)


def test_an_unknown_reader_kind_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        _settings(tmp_path, extra="  slack-high: {kind: teams, url: http://127.0.0.1:1}\n")
    assert "target.yaml:" in str(raised.value)
    assert "teams" in str(raised.value)


def test_the_default_evidence_is_the_strongest_the_target_can_show(tmp_path: Path) -> None:
    evidence = _evidence(_settings(tmp_path), _drill(tmp_path, None))
    assert evidence == {
        "pagerduty-critical": EvidenceTier.RECEIVED,  # its reader
        "slack-critical": EvidenceTier.DELIVERED,  # Alertmanager's counters only
        "email-oncall": EvidenceTier.RECEIVED,
        "sms-oncall": EvidenceTier.DELIVERED,
        "incident-automation": EvidenceTier.DELIVERED,
        "email-executive": EvidenceTier.RECEIVED,
    }


def test_an_old_alertmanager_lowers_the_default_to_routed(tmp_path: Path) -> None:
    settings = _settings(tmp_path, extra="")
    text = settings.target_path.read_text().replace(
        "alertmanager:\n  url: http://127.0.0.1:19093\n",
        "alertmanager:\n  url: http://127.0.0.1:19093\n  receiver_metrics: false\n",
    )
    settings.target_path.write_text(text)
    evidence = _evidence(load_settings(settings.target_path, environ={}), _drill(tmp_path, None))
    assert evidence["slack-critical"] is EvidenceTier.ROUTED


def test_more_evidence_than_the_target_can_show_is_refused_at_the_line(tmp_path: Path) -> None:
    drill = _drill(tmp_path, "received")
    line = drill.read_text().splitlines().index("      evidence: received") + 1
    with pytest.raises(ConfigError) as raised:
        _evidence(_settings(tmp_path), drill)
    message = str(raised.value)
    assert f"app-crash.drill.yaml:{line}: expect.alerts[0].evidence" in message
    assert "slack-critical: `received` needs a reader for it" in message


def test_evidence_for_a_receiver_the_alert_does_not_have_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="slack-low is not a receiver of IDPDown"):
        _evidence(_settings(tmp_path), _drill(tmp_path, "{slack-low: routed}"))


def test_a_drill_may_ask_for_less(tmp_path: Path) -> None:
    evidence = _evidence(_settings(tmp_path), _drill(tmp_path, "{email-oncall: routed}"))
    assert evidence["email-oncall"] is EvidenceTier.ROUTED
    assert evidence["pagerduty-critical"] is EvidenceTier.RECEIVED
