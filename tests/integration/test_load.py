"""Locust load against the sandbox: the locustfile on its own as Locust users run
it, the runner's bounds and cleanup, and a drill with load end to end (summary,
JSON, SLIs in Prometheus, Ctrl-C/SIGTERM leaves no Locust process behind)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from chaos.app_hooks import AppHooks
from harness.clients import PrometheusClient
from harness.events import EventKind
from harness.load_specs import LoadSpec
from harness.polling import wait_until
from harness.results import SCHEMA_PATH
from harness.settings import Settings
from harness.timeline import Timeline
from load.runner import LoadRunner
from tests.conftest import REPO, SANDBOX_TARGET, pagerdrill_cli
from tests.sandbox_state import HOOKS_OFF

pytestmark = pytest.mark.integration
PASSWORD_FILE = "/var/tmp/pagerdrill/sandbox/secrets/idp-password"
LOCUST = [sys.executable, "-m", "locust", "-f", "load/locustfiles/idp.py", "--headless"]
LOCUST += ["-u", "4", "-r", "4", "-t", "6s", "--only-summary"]
STORM = [sys.executable, "-m", "pagerdrill", "run", "drills/error-storm.drill.yaml"]


def _locust_processes(marker: str) -> list[int]:
    """PIDs of Locust processes whose command line mentions `marker`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "locust" in cmdline and marker in cmdline:
            found.append(int(proc.name))
    return found


def test_locustfile_runs_with_plain_locust(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            "load/locustfiles/idp.py",
            "--headless",
            "-u",
            "4",
            "-r",
            "4",
            "-t",
            "6s",
            "--host",
            settings.target.app.base_url,
            "--csv",
            str(tmp_path / "plain"),
            "--only-summary",
        ],
        cwd=REPO,
        env={**os.environ, "IDP_PASSWORD_FILE": PASSWORD_FILE},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    stats = (tmp_path / "plain_stats.csv").read_text()
    assert "/api/login" in stats
    assert "/api/templates" in stats


def test_runner_stops_at_max_requests_and_leaves_no_process(
    settings: Settings, tmp_path: Path
) -> None:
    spec = LoadSpec.model_validate(
        {
            "shape": {"kind": "steady", "users": 6, "spawn_rate": 6, "duration": "60s"},
            "max_requests": 20,
            "processes": 2,
        }
    )
    timeline = Timeline()
    credentials = (settings.target.app.credentials.username, settings.password)
    # a previous run's statistics in the same folder must not read as this run's
    stale = (
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,"
        "Total Request Count,Total Failure Count\n1000,999,,Aggregated,1,0,10,20,5,0\n"
    )
    (tmp_path / "locust_stats_history.csv").write_text(stale)
    with LoadRunner(spec, settings.target.app.base_url, credentials, timeline, tmp_path) as load:
        assert load.wait_for_users(6, timeout=30) >= load.started_at - 1
        assert load.wait(45), "max_requests did not stop the run"
        result = load.stop()
    assert result.stopped_by == "max_requests"
    assert 20 <= result.total.requests < 200
    assert result.peak_users == 6
    assert {e.name for e in result.endpoints} >= {"/api/login", "/api/templates"}
    live = [e for e in timeline.events if e.kind == EventKind.LOAD_STATS]
    assert live, "no live statistics reached the timeline"
    assert _locust_processes(str(tmp_path)) == []
    assert settings.password.get_secret_value() not in json.dumps(
        [e.as_json() for e in timeline.events]
    )


def test_error_storm_drill_reports_load_and_pushes_its_slis(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    run = pagerdrill_cli(
        "run", "drills/error-storm.drill.yaml", "--target", str(SANDBOX_TARGET),
        "--output", str(tmp_path), state_dir=tmp_path / "state",
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "error-storm: load: " in output
    results = json.loads((tmp_path / "results.json").read_text())
    jsonschema.validate(results, json.loads(SCHEMA_PATH.read_text()))
    load = results["drills"][0]["load"]
    assert load["total"]["requests"] >= 50
    assert load["total"]["failures"] > 0  # the storm was real
    assert any(e["name"] == "/api/templates" for e in load["errors"])
    assert any(
        c["name"] == "load p95 below 2 s" and c["passed"] for c in results["drills"][0]["checks"]
    )
    with PrometheusClient(settings.target.prometheus.url) as prometheus:
        series = (
            f'pagerdrill_load_requests{{drill="error-storm", run_id="{results["run_id"]}", '
            'endpoint="Aggregated"}'
        )
        pushed = wait_until(
            lambda: prometheus.query(series), 15, expected=series, where="Prometheus"
        )
        assert float(pushed[0]["value"][1]) == load["total"]["requests"]
    assert settings.password.get_secret_value() not in output


@contextmanager
def _storm_with_its_fault_in(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """error-storm run by the CLI (state in tmp_path/state, output in tmp_path/out),
    once its fault is injected and its load running."""
    env = {**os.environ, "PAGERDRILL_STATE_DIR": str(tmp_path / "state")}
    with subprocess.Popen(
        [*STORM, "--target", str(SANDBOX_TARGET), "--output", str(tmp_path / "out")],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    ) as harness:  # fmt: skip
        assert harness.stdout is not None
        for line in harness.stdout:
            if "awaiting alerts and notifications" in line:
                break
        yield harness


def _hooks_off(settings: Settings) -> bool:
    assert settings.admin_token is not None
    with AppHooks(settings.target.app.base_url, settings.admin_token) as hooks:
        return bool(hooks.hooks() == HOOKS_OFF)


def test_sigterm_mid_drill_stops_the_load_and_reverts_the_fault(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with _storm_with_its_fault_in(tmp_path) as harness:
        time.sleep(2)
        assert _locust_processes(str(out)), "the load was not running"
        harness.send_signal(signal.SIGTERM)
        rest = harness.communicate(timeout=60)[0]
    assert harness.returncode == 130, rest
    assert _locust_processes(str(out)) == []
    assert _hooks_off(settings)


def test_a_killed_harness_takes_its_load_with_it_and_recover_reverts_the_fault(
    sandbox: Any, settings: Settings, tmp_path: Path
) -> None:
    """SIGKILL leaves no revert and no cleanup: the Locust master, in a process group
    of its own, ends by its parent-death signal, and `recover` reverts the fault."""
    out = tmp_path / "out"
    with _storm_with_its_fault_in(tmp_path) as harness:
        assert _locust_processes(str(out)), "the load was not running"
        harness.kill()
        harness.communicate(timeout=30)
    wait_until(
        lambda: _locust_processes(str(out)) == [],
        20,
        expected="no Locust process of the killed run",
        where="/proc",
    )
    recovered = pagerdrill_cli(
        "recover", "--target", str(SANDBOX_TARGET), state_dir=tmp_path / "state"
    )
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    assert _hooks_off(settings)
