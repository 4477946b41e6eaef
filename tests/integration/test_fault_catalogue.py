"""The fault catalogue on the real Docker engine and sandbox: every fault kind is
injected, its effect observed through the platform's own signals, reverted, and
the sandbox is back at steady state. Then the hard case: the harness is SIGKILLed
inside each fault, `pagerdrill recover` reverts it and nothing is left behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from pydantic import TypeAdapter

from chaos.app_hooks import AppHooks
from chaos.disk import FILE_PREFIX
from chaos.docker_platform import DockerPlatform
from chaos.faults import inject, plan
from chaos.faults.base import FaultContext
from chaos.kubernetes_platform import KubernetesPlatform
from harness.capabilities import Capability
from harness.errors import FaultInjectionError, GuardRefused
from harness.events import EventKind
from harness.fault_specs import FaultSpec
from harness.journal import FaultJournal
from harness.polling import wait_until
from harness.settings import Settings
from harness.target import Allowlist, DockerWorkload
from harness.timeline import Timeline
from tests import compliance
from tests.conftest import REPO, SANDBOX_TARGET, pagerdrill_cli
from tests.sandbox_state import await_steady_state, residue

pytestmark = pytest.mark.integration
APP = "http://127.0.0.1:18080"  # through the proxy, as users reach it
REPLICA = "http://127.0.0.1:18081"  # the first replica itself, for container-level effects


def _status(path: str, timeout: float = 2.0, base: str = APP) -> int | None:
    try:
        return httpx.get(base + path, timeout=timeout).status_code
    except httpx.HTTPError:
        return None


def _replica(path: str, timeout: float = 2.0) -> int | None:
    return _status(path, timeout, REPLICA)


def _cpu_percent(platform: DockerPlatform, workload: str) -> float:
    stats = platform._container(workload).stats(stream=False)
    cpu = (
        stats["cpu_stats"]["cpu_usage"]["total_usage"]
        - stats["precpu_stats"]["cpu_usage"]["total_usage"]
    )
    system = stats["cpu_stats"]["system_cpu_usage"] - stats["precpu_stats"].get(
        "system_cpu_usage", 0
    )
    return 100.0 * cpu / system * stats["cpu_stats"].get("online_cpus", 1) if system else 0.0


def _memory_mb(platform: DockerPlatform, workload: str) -> float:
    return float(platform._container(workload).stats(stream=False)["memory_stats"]["usage"]) / 2**20


def _pool_in_use() -> float:
    """Connections of the first replica's database pool in use, from its metrics."""
    text = httpx.get(REPLICA + "/metrics", timeout=2).text
    pool = dict(re.findall(r'^idp_db_pool_connections\{state="(\w+)"\} (\S+)$', text, re.M))
    return float(pool["open"]) - float(pool["idle"])


def _sign_in_waits() -> bool:
    """A sign-in gets no answer within a second (from a client of its own, so that
    the failures do not get pagerdrill's address blocked)."""
    try:
        httpx.post(
            APP + "/api/login",
            json={"username": "alice", "password": "wrong"},
            headers={"X-Forwarded-For": "203.0.113.91"},
            timeout=1,
        )
    except httpx.TimeoutException:
        return True
    return False


Effect = Callable[[DockerPlatform, AppHooks], bool]
# kind -> (fields, what the platform shows while the fault holds)
CATALOGUE: dict[str, tuple[dict[str, Any], Effect]] = {
    "kill": (
        {"workload": "idp"},
        lambda p, h: not p.is_running("idp") and _replica("/healthz") is None,
    ),
    "stop": ({"workload": "idp", "grace": "2s"}, lambda p, h: not p.is_running("idp")),
    "signal-process": (
        {"workload": "idp", "pattern": "uvicorn sandbox[.]idp", "signal": "STOP"},
        lambda p, h: _replica("/healthz", 1) is None,
    ),
    "pause": (
        {"workload": "idp"},
        lambda p, h: p.is_paused("idp") and _replica("/healthz", 1) is None,
    ),
    "network-partition": (
        {"workload": "idp"},
        lambda p, h: not p.networks("idp") and _status("/healthz") == 503,
    ),
    "network-loss": (
        {"workload": "idp", "percent": 100},
        lambda p, h: bool(p.network_faults("idp")) and _replica("/healthz", 1) is None,
    ),
    "network-latency": (
        {"workload": "idp", "delay": "500ms"},
        lambda p, h: bool(p.network_faults("idp")),
    ),
    "cpu-stress": ({"workload": "idp", "workers": 1}, lambda p, h: _cpu_percent(p, "idp") > 50),
    "memory-stress": (
        {"workload": "idp", "megabytes": 300},
        lambda p, h: _memory_mb(p, "idp") > 300,
    ),
    "app-error-rate": ({"route": "/login", "ratio": 1}, lambda p, h: _status("/login") == 500),
    "app-latency": (
        {"route": "/login", "delay": "1500ms"},
        lambda p, h: _status("/login", 1) is None,
    ),
    "app-cpu-burn": ({"threads": 1}, lambda p, h: _cpu_percent(p, "idp") > 50),
    "app-connection-leak": ({"connections": 9}, lambda p, h: _pool_in_use() >= 9),
    "database-lock": ({"table": "users", "hold": "6s"}, lambda p, h: _sign_in_waits()),
    "hostile-traffic": (  # wrong API sign-ins from one client until it is blocked
        {
            "client": "203.0.113.55",
            "rate": 5,
            "duration": "20s",
            "requests": [
                {"method": "POST", "path": "/api/login", "body": {"username": "x", "password": "y"}}
            ],
        },
        lambda p, h: _blocked("203.0.113.55"),
    ),
    "plugin-failure": (
        {"plugins": ["ci-status"]},
        lambda p, h: h.hooks()["failing_plugins"] == ["ci-status"],
    ),
    "readiness-failure": (
        {},
        lambda p, h: _status("/readyz") == 503 and _status("/healthz") == 200,
    ),
    "deployment-failure": ({}, lambda p, h: h.hooks()["deployment_failure"] is True),
    "brute-force": (
        {"client": "203.0.113.77", "attempts": 6},
        lambda p, h: _blocked("203.0.113.77"),
    ),
    "cache-flush": ({}, lambda p, h: True),
    "disk-fill": (
        {"workload": "idp", "directory": "/tmp", "megabytes": 64},
        lambda p, h: len(p.fill_files("idp", "/tmp", FILE_PREFIX)) == 1,
    ),
}


def _blocked(client: str) -> bool:
    answer = httpx.post(
        APP + "/login",
        data={"username": "alice", "password": "x"},
        headers={"X-Forwarded-For": client},
        timeout=2,
    )
    return answer.status_code == 429


def _spec(kind: str, fields: dict[str, Any]) -> FaultSpec:
    spec: FaultSpec = TypeAdapter(FaultSpec).validate_python({"kind": kind, **fields})
    return spec


@pytest.fixture
def platform(sandbox: Any, settings: Settings) -> Iterator[DockerPlatform]:
    with DockerPlatform(settings.target.platform) as platform:
        yield platform


@pytest.fixture
def hooks(sandbox: Any, settings: Settings) -> Iterator[AppHooks]:
    assert settings.admin_token is not None
    with AppHooks(settings.target.app.base_url, settings.admin_token) as hooks:
        yield hooks


@pytest.fixture
def faults(
    platform: DockerPlatform, hooks: AppHooks, settings: Settings, tmp_path: Path
) -> Iterator[FaultContext]:
    assert settings.target.data_probe is not None
    ctx = FaultContext(
        platform,
        FaultJournal(tmp_path / "journal.jsonl"),
        Timeline(),
        hooks,
        settings.target.app.base_url,
        database=(settings.target.data_probe, settings.data_probe_password),
    )
    yield ctx
    await_steady_state(platform, hooks)


@pytest.mark.parametrize(
    "capability", compliance.checked(DockerPlatform), ids=compliance.checked(DockerPlatform)
)
def test_docker_adapter_passes_the_compliance_checks(
    capability: Capability, platform: DockerPlatform, hooks: AppHooks
) -> None:
    compliance.CHECKS[capability](platform, "idp")
    await_steady_state(platform, hooks)


K8S_TARGET = os.environ.get("PAGERDRILL_K8S_TARGET")


@pytest.mark.skipif(
    not K8S_TARGET,
    reason="no Kubernetes API server here: set PAGERDRILL_K8S_TARGET to a target file whose "
    "workload `idp` is drillable (network checks need Chaos Mesh or node_access)",
)
@pytest.mark.parametrize(
    "capability",
    compliance.checked(KubernetesPlatform),
    ids=compliance.checked(KubernetesPlatform),
)
def test_kubernetes_adapter_passes_the_compliance_checks(capability: Capability) -> None:
    from contextlib import closing

    from chaos.adapters import open_platform
    from harness.settings import load_settings

    settings = load_settings(Path(str(K8S_TARGET)))
    with closing(open_platform(settings.target.platform)) as platform:
        compliance.CHECKS[capability](platform, "idp")


def test_guards_refuse_undrillable_and_unlisted_containers(
    platform: DockerPlatform, settings: Settings
) -> None:
    config = settings.target.platform
    workloads = {**config.workloads, "etcd": DockerWorkload(container="pagerdrill-sandbox-etcd")}
    with DockerPlatform(config.model_copy(update={"workloads": workloads})) as wider:
        compliance.refuses_undrillable(wider, "etcd")  # no drillable label
    narrow = config.model_copy(update={"allow": Allowlist(container_names=["staging-*"])})
    with DockerPlatform(narrow) as narrower, pytest.raises(GuardRefused, match="allowed names"):
        narrower.kill("idp")
    assert platform.is_running("idp")


@pytest.mark.parametrize("kind", CATALOGUE)
def test_fault_shows_in_the_platform_then_reverts_to_steady_state(
    kind: str, faults: FaultContext, platform: DockerPlatform, hooks: AppHooks
) -> None:
    fields, effect = CATALOGUE[kind]
    spec = _spec(kind, fields)
    assert any(step.startswith("revert: ") for step in plan(spec, faults))
    try:
        with inject(spec, faults):
            wait_until(
                lambda: effect(platform, hooks),
                20,
                expected=f"{kind} in effect",
                where="the sandbox",
            )
    except FaultInjectionError as exc:
        if "no netem" in str(exc):
            pytest.skip(f"this machine's kernel cannot delay packets: {exc}")
        raise
    assert faults.journal.open_entries() == []
    await_steady_state(platform, hooks)
    assert [e.kind for e in faults.timeline.events] == ["fault.injected", "fault.reverted"]


def test_a_held_fault_is_reverted_after_its_hold_while_the_drill_still_waits(
    faults: FaultContext,
) -> None:
    fields = {"workload": "idp", "pattern": "uvicorn sandbox[.]idp", "signal": "STOP"}
    spec = _spec("signal-process", {**fields, "hold": "3s"})
    assert plan(spec, faults)[-1] == "hold: in place 3 s after injection, then reverted"
    with inject(spec, faults) as injected_at:
        wait_until(lambda: _replica("/healthz", 1) is None, 5, expected="hung", where="idp")
        wait_until(lambda: _replica("/healthz", 1) == 200, 15, expected="answering", where="idp")
        assert faults.journal.open_entries() == []  # reverted while the block still runs
    reverted = faults.timeline.first(EventKind.FAULT_REVERTED)
    assert reverted is not None
    assert 3 <= reverted.at - injected_at < 4.5


def test_a_held_fault_outlasts_a_drill_that_finished_waiting_sooner(
    faults: FaultContext,
) -> None:
    fields = {"workload": "idp", "pattern": "uvicorn sandbox[.]idp", "signal": "STOP"}
    with inject(_spec("signal-process", {**fields, "hold": "4s"}), faults) as injected_at:
        wait_until(lambda: _replica("/healthz", 1) is None, 5, expected="hung", where="idp")
    reverted = faults.timeline.first(EventKind.FAULT_REVERTED)
    assert reverted is not None
    assert 4 <= reverted.at - injected_at < 5.5  # the block ended at once; the hold did not
    wait_until(lambda: _replica("/healthz", 1) == 200, 15, expected="answering", where="idp")


def test_signal_process_matching_nothing_is_refused_untouched(faults: FaultContext) -> None:
    spec = _spec("signal-process", {"workload": "idp", "pattern": "no-such-process-here"})
    with pytest.raises(GuardRefused, match="no process of workload idp matches"):
        plan(spec, faults)
    with pytest.raises(GuardRefused), inject(spec, faults):
        pytest.fail("nothing matched, so nothing may be signalled")
    assert faults.journal.open_entries() == []
    assert faults.timeline.events == []


def test_kill_database_primary_fails_over_and_the_old_primary_rejoins(
    faults: FaultContext, platform: DockerPlatform, hooks: AppHooks
) -> None:
    await_steady_state(platform, hooks)
    before = platform.database_primary()
    with inject(_spec("kill-database-primary", {}), faults):
        assert not platform.is_running(before)
        after = wait_until(
            lambda: (p := platform.database_primary()) != before and p,
            45,
            expected="a new primary",
            where="Patroni",
        )
    assert after != before
    await_steady_state(platform, hooks)
    assert platform.is_running(before)


HELD = [
    "kill",
    "stop",
    "pause",
    "signal-process",
    "network-partition",
    "network-loss",
    "cpu-stress",
    "memory-stress",
    "disk-fill",
    "app-error-rate",
    "readiness-failure",
    "kill-database-primary",
]


@contextmanager
def _held_by_a_harness(fault: dict[str, Any], tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """`pagerdrill fault` holding `fault` in its own process, once it says it injected."""
    drill = tmp_path / "held.drill.yaml"
    drill.write_text(yaml.safe_dump({"name": "held", "fault": fault, "expect": {}}))
    env = {**os.environ, "PAGERDRILL_STATE_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "pagerdrill", "fault", str(drill)]
    with subprocess.Popen(
        [*command, "--target", str(SANDBOX_TARGET), "--hold", "300s"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as harness:
        assert harness.stdout is not None
        for line in harness.stdout:
            if line.startswith("injected at"):
                break
        else:
            pytest.fail(f"the fault was not injected (exit {harness.wait()})")
        yield harness


@pytest.mark.parametrize("kind", HELD)
def test_recover_reverts_what_a_killed_harness_left(
    kind: str, platform: DockerPlatform, hooks: AppHooks, tmp_path: Path
) -> None:
    await_steady_state(platform, hooks)
    fields = CATALOGUE[kind][0] if kind in CATALOGUE else {}
    with _held_by_a_harness({"kind": kind, **fields}, tmp_path) as harness:
        time.sleep(1)
        harness.send_signal(signal.SIGKILL)
        harness.wait(timeout=10)
    journal = FaultJournal(tmp_path / "fault-journal.jsonl")
    assert [e.kind for e in journal.open_entries()] == [kind]
    if kind != "kill-database-primary":
        assert residue(platform, hooks), "the killed harness left nothing to recover"

    first = pagerdrill_cli("recover", "--target", str(SANDBOX_TARGET), state_dir=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "recover: 1 open faults reverted" in first.stdout
    again = pagerdrill_cli("recover", "--target", str(SANDBOX_TARGET), state_dir=tmp_path)
    assert "recover: 0 open faults reverted" in again.stdout
    assert journal.open_entries() == []
    await_steady_state(platform, hooks)


def test_recover_ends_the_lock_of_a_frozen_harness(
    platform: DockerPlatform, hooks: AppHooks, tmp_path: Path
) -> None:
    """A killed harness's lock goes with its connection; a frozen one's stays (until
    the database's own timeout, a minute after the hold): recover ends it."""
    await_steady_state(platform, hooks)
    fault = {"kind": "database-lock", "table": "users", "hold": "300s"}
    with _held_by_a_harness(fault, tmp_path) as harness:
        try:
            harness.send_signal(signal.SIGSTOP)
            assert _sign_in_waits()
            recovered = pagerdrill_cli(
                "recover", "--target", str(SANDBOX_TARGET), state_dir=tmp_path
            )
            assert recovered.returncode == 0, recovered.stdout + recovered.stderr
            assert "recover: 1 open faults reverted" in recovered.stdout
            wait_until(lambda: not _sign_in_waits(), 10, expected="sign-in answering", where="idp")
        finally:
            harness.kill()
    await_steady_state(platform, hooks)


def test_drill_on_a_target_outside_the_allowlist_is_refused_untouched(
    platform: DockerPlatform, tmp_path: Path
) -> None:
    target = tmp_path / "target.yaml"
    target.write_text(
        SANDBOX_TARGET.read_text().replace(
            'container_names: ["pagerdrill-sandbox-*"]', 'container_names: ["staging-*"]'
        )
    )
    restarts = platform.restart_count("idp")
    run = pagerdrill_cli(
        "run",
        "drills/app-crash.drill.yaml",
        "--target",
        str(target),
        "--output",
        str(tmp_path / "out"),
        state_dir=tmp_path,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "matches none of the allowed names staging-*" in run.stdout + run.stderr
    assert platform.restart_count("idp") == restarts
    assert not (tmp_path / "fault-journal.jsonl").exists()


def test_dry_run_prints_the_plan_and_touches_nothing(
    platform: DockerPlatform, tmp_path: Path
) -> None:
    restarts = platform.restart_count("idp")
    run = pagerdrill_cli(
        "run",
        "drills/app-crash.drill.yaml",
        "--dry-run",
        "--target",
        str(SANDBOX_TARGET),
        "--output",
        str(tmp_path / "out"),
        state_dir=tmp_path,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert (
        "fault crash-process: SIGKILL the main process of container pagerdrill-sandbox-idp"
        in output
    )
    assert "dry run: nothing was touched" in output
    assert platform.restart_count("idp") == restarts
    assert not (tmp_path / "fault-journal.jsonl").exists()
    assert not (tmp_path / "out" / "results.json").exists()


def test_dry_run_prints_the_plan_when_monitoring_and_platform_do_not_answer(
    tmp_path: Path,
) -> None:
    target = tmp_path / "target.yaml"
    target.write_text(
        SANDBOX_TARGET.read_text()
        .replace("http://127.0.0.1:19090", "http://127.0.0.1:9")  # nothing listens there
        .replace("container: pagerdrill-sandbox-idp", "container: pagerdrill-sandbox-gone")
    )
    run = pagerdrill_cli(
        "run", "drills/app-crash.drill.yaml", "--dry-run", "--target", str(target),
        "--output", str(tmp_path / "out"), state_dir=tmp_path,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "expect IDPDown at P0 within 30 s" in output
    assert "not checked: the alerts, receivers and detection floors" in output
    assert "not checked: the fault's targets on the platform" in output
    assert "no container named pagerdrill-sandbox-gone" in output
    assert "dry run: nothing was touched" in output


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            ("name: IDPDown", "name: IDPDwon"),
            "IDPDwon: the live Prometheus has no alerting rule of that name",
        ),
        (
            ("receivers: [pagerduty-critical,", "receivers: [pagerduty-critcal,"),
            "receiver pagerduty-critcal is not in the live Alertmanager configuration",
        ),
    ],
)
def test_what_the_live_config_can_never_satisfy_is_refused_before_the_fault(
    platform: DockerPlatform, tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    """A typo in an alert or receiver name would otherwise wait out its deadline."""
    drill = tmp_path / "typo.drill.yaml"
    drill.write_text((REPO / "drills" / "app-crash.drill.yaml").read_text().replace(*change))
    restarts = platform.restart_count("idp")
    for extra in (["--dry-run"], []):
        run = pagerdrill_cli(
            "run", str(drill), *extra, "--target", str(SANDBOX_TARGET), state_dir=tmp_path
        )
        output = run.stdout + run.stderr
        assert run.returncode == 2, output
        assert "typo.drill.yaml:" in output
        assert words in output
    assert "did you mean IDPDown?" in output or "pagerduty-critical" in output
    assert platform.restart_count("idp") == restarts
    assert not (tmp_path / "fault-journal.jsonl").exists()
