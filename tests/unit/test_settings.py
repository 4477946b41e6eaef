"""Settings: one object from the target file and the environment; secrets stay secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
TARGET = (REPO / "targets" / "sandbox.yaml").read_text()
FILE_LINE = "password_file: /var/tmp/pagerdrill/sandbox/secrets/idp-password"


def _target(tmp_path: Path, credentials_line: str) -> Path:
    path = tmp_path / "target.yaml"
    path.write_text(TARGET.replace(FILE_LINE, credentials_line))
    return path


def test_password_from_environment_is_secret(tmp_path: Path) -> None:
    settings = load_settings(
        _target(tmp_path, "password_env: IDP_PW"),
        environ={"IDP_PW": "hunter2-secret", "PAGERDRILL_RUN_ID": "r1"},
    )
    assert settings.password.get_secret_value() == "hunter2-secret"
    assert "hunter2-secret" not in repr(settings)
    assert settings.run_id == "r1"


def test_password_file_relative_to_target(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("from-a-file\n")
    settings = load_settings(_target(tmp_path, "password_file: pw"), environ={})
    assert settings.password.get_secret_value() == "from-a-file"


def test_missing_password_variable_names_the_field(tmp_path: Path) -> None:
    path = _target(tmp_path, "password_env: NOT_SET_ANYWHERE")
    with pytest.raises(ConfigError, match="NOT_SET_ANYWHERE is not set") as caught:
        load_settings(path, environ={})
    assert caught.value.field == "app.credentials"


def test_two_password_sources_are_rejected(tmp_path: Path) -> None:
    path = _target(tmp_path, "password_env: A\n    password: b")
    with pytest.raises(ConfigError, match="exactly one"):
        load_settings(path, environ={"A": "x"})


def test_environment_chooses_target_and_folders(tmp_path: Path) -> None:
    path = _target(tmp_path, "password: inline")
    settings = load_settings(
        environ={
            "PAGERDRILL_TARGET": str(path),
            "PAGERDRILL_OUTPUT_DIR": str(tmp_path / "o"),
            "PAGERDRILL_STATE_DIR": str(tmp_path / "s"),
        }
    )
    assert settings.target_path == path
    assert settings.output_dir == tmp_path / "o"
    assert settings.journal_path == tmp_path / "s" / "fault-journal.jsonl"
