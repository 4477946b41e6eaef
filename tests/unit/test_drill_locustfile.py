"""A drill's own locustfile and user classes: found next to the target file (else
pagerdrill's own), checked before anything is touched, refused at the drill's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.drill import load_drill
from harness.errors import ConfigError
from harness.settings import load_settings
from remediation.validation import validate_drill

REPO = Path(__file__).resolve().parents[2]
DRILL = (REPO / "drills" / "load-spike.drill.yaml").read_text()
TARGET = (REPO / "targets" / "sandbox-without-sink.yaml").read_text()
LOCUSTFILE = """from locust import HttpUser, task


class NotebookUser(HttpUser):
    @task
    def home(self) -> None:
        self.client.get("/hub/home")
"""


def _validated(tmp_path: Path, load_lines: str) -> Path:
    (tmp_path / "target.yaml").write_text(TARGET)
    drill = tmp_path / "d.drill.yaml"
    drill.write_text(DRILL.replace("load:\n", "load:\n" + load_lines, 1))
    settings = load_settings(tmp_path / "target.yaml", environ={})
    valid = validate_drill(*load_drill(drill), settings)
    assert valid.drill.load is not None
    return valid.drill.load.locustfile


def test_the_reference_locustfile_is_pagerdrills_own(tmp_path: Path) -> None:
    assert _validated(tmp_path, "") == REPO / "load" / "locustfiles" / "idp.py"


def test_a_platforms_locustfile_is_found_next_to_its_target_file(tmp_path: Path) -> None:
    (tmp_path / "load").mkdir()
    (tmp_path / "load" / "hub.py").write_text(LOCUSTFILE)
    lines = "  locustfile: load/hub.py\n  user_classes: [NotebookUser]\n"
    assert _validated(tmp_path, lines) == tmp_path / "load" / "hub.py"


@pytest.mark.parametrize(
    ("lines", "field", "problem"),
    [
        ("  locustfile: load/none.py\n", "load.locustfile", "no locustfile at"),
        ("  user_classes: [HubUser]\n", "load.user_classes", "defines no class HubUser"),
        ("  user_classes: [Hub User]\n", "load.user_classes", "not Python class names"),
    ],
)
def test_a_missing_locustfile_or_class_is_refused_at_its_line(
    tmp_path: Path, lines: str, field: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        _validated(tmp_path, lines)
    assert raised.value.field == field
    assert problem in raised.value.problem
    assert raised.value.line == 10
