"""The platform adapter compliance checks: what every adapter (Docker, the
in-memory fake, Kubernetes when a cluster is configured) must do, through the
Protocol only. Each check leaves the workload as it found it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chaos.platform import Platform
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


def refuses_undrillable(platform: Platform, undrillable: str) -> None:
    with pytest.raises(GuardRefused):
        platform.resolve(undrillable)
    with pytest.raises(GuardRefused):
        platform.pause(undrillable)


CHECKS: dict[str, Callable[[Platform, str], None]] = {
    "pause": pause_and_unpause,
    "kill": kill_and_start,
    "partition": disconnect_and_reconnect,
    "loss": packet_loss_and_clear,
    "stress": stress_and_stop,
}
