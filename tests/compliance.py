"""The platform adapter compliance checks, one per capability: what every adapter
(Docker, Kubernetes when a cluster is configured) must do for each capability it
declares, through the capability's Protocol only. Each check leaves the workload as
it found it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chaos.disk import FILE_PREFIX
from chaos.platform import Platform
from harness.capabilities import Capability
from harness.errors import GuardRefused
from harness.polling import wait_until


def pause_and_unpause(platform: Platform, workload: str) -> None:
    platform.pause(workload)
    assert platform.is_paused(workload)
    assert not platform.is_running(workload)
    platform.unpause(workload)
    platform.unpause(workload)  # idempotent
    assert platform.is_running(workload)


def kill_and_start(platform: Platform, workload: str) -> None:
    platform.kill(workload)
    wait_until(lambda: not platform.is_running(workload), 10, expected="stopped", where="platform")
    platform.ensure_running(workload)
    platform.ensure_running(workload)  # idempotent
    assert platform.is_running(workload)


def disconnect_and_reconnect(platform: Platform, workload: str) -> None:
    before = platform.networks(workload)
    assert before, "the workload is on no network"
    for network in before:
        platform.disconnect(workload, network)
    assert platform.networks(workload) == {}
    for network, aliases in before.items():
        platform.reconnect(workload, network, aliases)
        platform.reconnect(workload, network, aliases)  # idempotent
    assert set(platform.networks(workload)) == set(before)


def packet_loss_and_clear(platform: Platform, workload: str) -> None:
    platform.add_loss(workload, 10)
    assert platform.network_faults(workload)
    platform.clear_network_faults(workload)
    platform.clear_network_faults(workload)  # idempotent
    assert platform.network_faults(workload) == []


def stress_and_stop(platform: Platform, workload: str) -> None:
    platform.start_stress(workload, "cpu", 1, "pagerdrill-stress-compliance", 60)
    assert platform.stress_processes(workload, "pagerdrill-stress-compliance")
    platform.stop_stress(workload, "pagerdrill-stress-compliance")
    platform.stop_stress(workload, "pagerdrill-stress-compliance")  # idempotent
    wait_until(
        lambda: not platform.stress_processes(workload, "pagerdrill-stress-compliance"),
        10,
        expected="no stress process",
        where="platform",
    )


def stop_and_continue(platform: Any, workload: str) -> None:
    processes = platform.processes(workload)
    assert processes, "no process listed"
    target = max(processes, key=lambda p: p.pid)  # a child of the init, if there is one

    def state() -> str:
        return next(p.state for p in platform.processes(workload) if p.pid == target.pid)

    platform.send_signal(workload, [target], "STOP")
    wait_until(lambda: state() == "T", 10, expected=f"{target.pid} stopped", where="platform")
    platform.send_signal(workload, [target], "CONT")
    platform.send_signal(workload, [target], "CONT")  # idempotent
    wait_until(lambda: state() != "T", 10, expected=f"{target.pid} running", where="platform")


def refuses_undrillable(platform: Platform, undrillable: str) -> None:
    with pytest.raises(GuardRefused):
        platform.resolve(undrillable)
    with pytest.raises(GuardRefused):
        platform.pause(undrillable)


def fill_and_remove(platform: Any, workload: str) -> None:
    before = platform.free_bytes(workload, "/tmp")
    path = f"/tmp/{FILE_PREFIX}compliance"
    platform.fill_disk(workload, path, 32)
    assert platform.fill_files(workload, "/tmp", FILE_PREFIX) == [path]
    assert platform.free_bytes(workload, "/tmp") <= before - 16 * 2**20
    platform.remove_fill(workload, path)
    platform.remove_fill(workload, path)  # idempotent
    assert platform.fill_files(workload, "/tmp", FILE_PREFIX) == []


def scale_evict_and_drain(platform: Any, workload: str) -> None:
    was = platform.desired_replicas(workload)
    platform.scale(workload, was + 1)
    wait_until(lambda: platform.replicas(workload) == was + 1, 60, expected=f"{was + 1} ready",
               where="platform")  # fmt: skip
    platform.scale(workload, was)
    wait_until(lambda: platform.replicas(workload) == was, 60, expected=f"{was} ready",
               where="platform")  # fmt: skip
    before = platform.resolve(workload).name
    platform.evict(workload)
    platform.ensure_running(workload)
    assert platform.resolve(workload).name != before, "eviction left the same pod"
    node = platform.node_of(workload)
    platform.drain(node, workload)
    wait_until(lambda: platform.replicas(workload) == 0, 60, expected="no ready pod on the "
               "cordoned node", where="platform")  # fmt: skip
    platform.uncordon(node)
    platform.uncordon(node)  # idempotent
    platform.ensure_running(workload)


CHECKS: dict[Capability, Callable[[Any, str], None]] = {
    Capability.FREEZE: pause_and_unpause,
    Capability.PROCESS_LIFECYCLE: kill_and_start,
    Capability.PROCESS_SIGNALS: stop_and_continue,
    Capability.NETWORK_PARTITION: disconnect_and_reconnect,
    Capability.NETWORK_SHAPING: packet_loss_and_clear,
    Capability.RESOURCE_STRESS: stress_and_stop,
    Capability.DISK_FILL: fill_and_remove,
    Capability.ORCHESTRATOR: scale_evict_and_drain,
}
"""One check per capability that can be exercised on one workload and left as found
(database-primary is exercised by the failover drill)."""


def checked(adapter: type[Platform]) -> list[Capability]:
    """The capabilities an adapter declares that have a compliance check, in order."""
    return sorted(c for c in adapter.capabilities if c in CHECKS)
