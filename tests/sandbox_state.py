"""What "the sandbox at steady state" means to the fault tests, read through the
platform's own signals: containers, networks, netns rules, processes, the app's
fault hooks, Patroni."""

from __future__ import annotations

import httpx

from chaos.app_hooks import AppHooks
from chaos.disk import FILE_PREFIX
from chaos.platform import Platform
from harness.errors import InfrastructureError
from harness.polling import wait_until

PATRONI = ("http://127.0.0.1:18008", "http://127.0.0.1:18009")
WORKLOADS = ("idp", "postgres-0", "postgres-1")
HOOKS_OFF = {
    "error_rate": {},
    "latency_s": {},
    "failing_plugins": [],
    "deployment_failure": False,
    "readiness_failure": False,
    "liveness_failure": False,
    "cpu_burn_threads": 0,
    "leaked_connections": 0,
}


def patroni_members() -> dict[str, tuple[str, str]]:
    """member -> (role, state), from the first Patroni REST API that answers."""
    for url in PATRONI:
        try:
            body = httpx.get(url + "/cluster", timeout=2).json()
        except httpx.HTTPError:
            continue
        return {m["name"]: (m["role"], m["state"]) for m in body["members"]}
    return {}


def healthy_database_pair() -> str | None:
    """The leader's name once a synchronous standby streams from it."""
    members = patroni_members()
    leaders = [n for n, (role, _) in members.items() if role == "leader"]
    synced = ("sync_standby", "streaming") in members.values()
    return leaders[0] if leaders and synced else None


def residue(platform: Platform, hooks: AppHooks) -> list[str]:
    """Everything a fault could leave behind; empty at steady state."""
    found = []
    for workload in WORKLOADS:
        if platform.is_paused(workload):
            found.append(f"{workload} paused")
        elif not platform.is_running(workload):
            found.append(f"{workload} not running")
            continue
        if not platform.networks(workload):
            found.append(f"{workload} on no network")
        found += [f"{workload}: {rule}" for rule in platform.network_faults(workload)]
        if platform.stress_processes(workload, "pagerdrill-stress-"):
            found.append(f"{workload}: stress processes")
        found += [
            f"{workload}: process {p.pid} stopped ({p.command[:40]})"
            for p in platform.processes(workload)
            if p.state == "T"
        ]
        found += [f"{workload}: {f}" for f in platform.fill_files(workload, "/tmp", FILE_PREFIX)]
    if (
        platform.is_running("idp")
        and platform.networks("idp")
        and not platform.network_faults("idp")
    ):
        try:
            current = hooks.hooks()
        except InfrastructureError as exc:  # the proxy has not seen it healthy again yet
            found.append(f"app unreachable: {exc}")
        else:
            if current != HOOKS_OFF:
                found.append(f"app hooks set: {current}")
    return found


def await_steady_state(platform: Platform, hooks: AppHooks, timeout: float = 90) -> None:
    wait_until(
        lambda: not residue(platform, hooks),
        timeout,
        expected="no fault residue",
        where="the sandbox",
        describe=lambda: residue(platform, hooks),
    )
    wait_until(
        healthy_database_pair,
        timeout,
        expected="a leader with a streaming sync standby",
        where="Patroni's REST API",
        describe=patroni_members,
    )
