"""The README's worked example for a second platform (examples/notebook-hub/): its
stack started here on Docker, its five-step journey, its own locustfile and user
class, its drills run from its own target file as a user would; a drill that does
not expect the P1 page a kill causes fails naming it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.clients import PrometheusClient
from harness.polling import wait_until
from tests.conftest import REPO, pagerdrill_cli

pytestmark = [pytest.mark.integration, pytest.mark.browser]
EXAMPLE = REPO / "examples" / "notebook-hub"
TARGET = EXAMPLE / "target.yaml"


def _stack(action: str) -> None:
    subprocess.run(
        [sys.executable, str(EXAMPLE / "stack.py"), action], cwd=REPO, check=True, timeout=180
    )


@pytest.fixture(scope="module")
def notebook_hub() -> Iterator[None]:
    _stack("up")
    try:
        yield
    finally:
        _stack("down")


def _run(tmp_path: Path, *drills: Path) -> tuple[int, str, list[dict[str, Any]]]:
    run = pagerdrill_cli(
        "run", *map(str, drills), "--target", str(TARGET), "--output", str(tmp_path),
        state_dir=tmp_path / "state",
    )  # fmt: skip
    results = json.loads((tmp_path / "results.json").read_text())
    return run.returncode, run.stdout + run.stderr, results["drills"]


def _at(drill: dict[str, Any], kind: str) -> float:
    event = next(e for e in drill["timeline"] if e["kind"] == kind)
    return datetime.fromisoformat(event["at"].replace("Z", "+00:00")).timestamp()


def test_a_kill_the_drill_does_not_expect_pages_p1_and_fails_it(
    notebook_hub: None, tmp_path: Path
) -> None:
    with PrometheusClient("http://127.0.0.1:18290") as prometheus:
        wait_until(
            lambda: not prometheus.active_alerts(["NotebookServerCrashed"]),
            60,
            expected="no NotebookServerCrashed left from an earlier kill",
            where="the example's Prometheus",
        )
    drill = yaml.safe_load((EXAMPLE / "drills" / "server-hung.drill.yaml").read_text())
    drill["fault"].update(signal="KILL", hold="5s")  # it dies instead of hanging
    drill["expect"]["alerts"][0]["within"] = "10s"
    path = tmp_path / "killed-not-hung.drill.yaml"
    path.write_text(yaml.safe_dump(drill))
    code, output, (result,) = _run(tmp_path, path)
    assert code == 1, output
    failed = {c["name"]: c["detail"] for c in result["checks"] if not c["passed"]}
    assert "NotebookServerCrashed (P1, other) notified oncall" in failed.pop(
        "no unexpected P0/P1 pages"
    ), output
    assert set(failed) <= {
        "NotebookServerUnresponsive fired within 10 s",
        "NotebookServerUnresponsive notified oncall within 10 s",
        "NotebookServerUnresponsive has priority P1",
        "NotebookServerUnresponsive reached no other receivers",
    }, failed


def test_the_examples_drills_pass_from_its_own_target(notebook_hub: None, tmp_path: Path) -> None:
    code, output, results = _run(tmp_path, EXAMPLE / "drills")
    assert code == 0, output
    by_name = {r["drill"]: r for r in results}
    assert {name: r["verdict"] for name, r in by_name.items()} == {
        "server-hung": "passed",
        "server-killed": "passed",
    }, output
    hung = by_name["server-hung"]
    held = _at(hung, "fault.reverted") - _at(hung, "fault.injected")
    assert 20 <= held < 25, held  # its hold, though the page came within seconds
    for name, alert in (
        ("server-hung", "NotebookServerUnresponsive"),
        ("server-killed", "NotebookServerCrashed"),
    ):
        alerts = by_name[name]["alerts"]
        (seen,) = [a for a in alerts if a["role"] == "expected"]
        assert (seen["alert"], seen["notified"]) == (alert, ["oncall"]), alerts
        # anything else seen (the other drill's alert, still firing) paged nobody
        assert not [a for a in alerts if a["role"] != "expected" and a["notified"]], alerts
    load = by_name["server-killed"]["load"]  # the example's locustfile, NotebookUser only
    assert {e["name"] for e in load["endpoints"]} == {"/hub/login", "/hub/home"}, load
    assert load["total"]["failures"] == 0, load
    windows = hung["journeys"]["notebook"]  # ada kept working while grace's server hung
    attempts = sum(windows[w]["attempts"] for w in ("during", "after"))
    successes = sum(windows[w]["successes"] for w in ("during", "after"))
    assert attempts >= 8, windows
    assert successes == attempts, windows
