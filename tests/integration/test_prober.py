"""The synthetic prober in its own process during a drill, and `pagerdrill probe`
as scheduled monitoring: attempts, resolution, clean stop, SLIs in Prometheus
through the Pushgateway, and the Grafana dashboard's queries answered."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.clients import PrometheusClient
from harness.events import EventKind
from harness.polling import wait_until
from harness.settings import Settings
from harness.timeline import Timeline
from journeys.target import JourneyTarget
from remediation.prober import JourneyProber
from tests.conftest import REPO, SANDBOX_TARGET
from tests.unit.test_journey_model import dashboard_queries

pytestmark = [pytest.mark.integration, pytest.mark.browser]
PROBE = [sys.executable, "-m", "pagerdrill", "probe"]
TWO_JOURNEYS = ["--journey", "login", "--journey", "template-creation"]


def test_prober_replays_login_in_its_own_process_round_after_round(
    settings: Settings, journey_target: JourneyTarget
) -> None:
    timeline = Timeline()
    with JourneyProber(["login"], journey_target, settings.chromium, timeline) as prober:
        assert prober.pid is not None
        assert prober.pid != os.getpid()
        attempts = wait_until(
            lambda: len(prober.attempts("login")) >= 5 and prober.attempts("login"),
            60,
            expected="5 login attempts",
            where="the prober",
        )
        pid = prober.pid
    assert all(a.ok for a in attempts), [a.failed_step for a in attempts]
    # A round starts every `every_s`, or as soon as the previous one ended if it ran
    # longer: the prober never idles, whatever the machine's load makes a login cost
    # (CI once measured a 2.06 s login on two busy cores).
    late = [
        (b.started_at - a.started_at) - max(a.duration_s, prober.every_s)
        for a, b in itertools.pairwise(attempts)
    ]
    assert max(late) <= 1.0, late  # a browser context opened and closed between rounds
    recorded = [e for e in timeline.events if e.kind == EventKind.JOURNEY_ATTEMPT]
    assert len(recorded) >= 5
    assert set(recorded[0].detail["steps"]) == {  # type: ignore[arg-type]
        "open login page",
        "submit credentials",
        "see dashboard",
    }
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the worker is gone once the drill's block ends


def test_probe_pushes_slis_to_prometheus_and_stops_on_sigterm(
    settings: Settings, tmp_path: Path
) -> None:
    run_id = f"probe-test-{int(time.time())}"
    env = {**os.environ, "PAGERDRILL_RUN_ID": run_id, "PAGERDRILL_STATE_DIR": str(tmp_path)}
    probe = subprocess.Popen(
        [*PROBE, "--target", str(SANDBOX_TARGET), "--every", "1s", *TWO_JOURNEYS],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with PrometheusClient(settings.target.prometheus.url) as prometheus:
            series = f'pagerdrill_journey_attempts_total{{run_id="{run_id}", outcome="success"}}'
            scraped = wait_until(
                lambda: len(found := prometheus.query(series)) == 2 and found,
                60,
                expected=f"{series} for both journeys",
                where="Prometheus (through the Pushgateway)",
            )
            assert {s["metric"]["journey"] for s in scraped} == {"login", "template-creation"}
            assert {s["metric"]["environment"] for s in scraped} == {"sandbox"}
            for query in dashboard_queries():
                expr = query.replace("$environment", "sandbox").replace("$journey", ".*")
                if expr.startswith("label_values("):
                    metric = expr.removeprefix("label_values(").rsplit(",", 1)[0]
                    expr = f"count({metric})"
                assert prometheus.query(expr), f"the dashboard's {query!r} has no data"
    finally:
        probe.send_signal(signal.SIGTERM)
        output, _ = probe.communicate(timeout=60)
    assert probe.returncode == 0, output
    assert "login: ok in" in output
    assert "template-creation: ok in" in output
    assert output.rstrip().splitlines()[-1].startswith("probe: stopped after")
    assert settings.password.get_secret_value() not in output


def test_probe_rounds_exit_nonzero_when_a_journey_fails(tmp_path: Path) -> None:
    target = tmp_path / "target.yaml"
    target.write_text(
        SANDBOX_TARGET.read_text().replace("http://127.0.0.1:18080", "http://127.0.0.1:18999")
    )
    probe = subprocess.run(
        [*PROBE, "--target", str(target), "--rounds", "1", "--journey", "login"],
        cwd=REPO,
        env={**os.environ, "PAGERDRILL_STATE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 1, probe.stdout + probe.stderr
    assert "login: FAILED at 'open login page'" in probe.stdout
