"""What faults need from a platform, as one small Protocol per capability
(harness/capabilities.py). Every adapter is a `Platform` (find and observe its
workloads) and declares, in `capabilities`, which of the others it implements;
the compliance tests (tests/compliance.py) check each declared capability against
the adapter, and `check_capabilities` refuses a drill whose fault needs one the
target's platform lacks before anything is touched.

Workloads are the names a target file gives its containers or pods. Every call
that changes something resolves the workload through the guards first (drillable
label, allowlist, target count) and raises GuardRefused before touching it.
Reverting calls are idempotent: reverting twice, or reverting what the platform
already healed, is not an error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from harness.capabilities import Capability


@dataclass(frozen=True)
class ResolvedTarget:
    """One container (or pod) a fault will touch."""

    workload: str
    name: str
    kind: str  # "container" or "pod"

    def describe(self) -> str:
        return f"{self.kind} {self.name} (workload {self.workload})"


@runtime_checkable
class Platform(Protocol):
    """Every adapter: find a workload and observe it."""

    name: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    """What the adapter implements."""

    @classmethod
    def capabilities_for(cls, config: object) -> frozenset[Capability]:
        """What it can do on the platform a target file describes (a subset of
        `capabilities`: some need an add-on the target says it has)."""
        ...

    def resolve(self, workload: str) -> ResolvedTarget: ...
    def replicas(self, workload: str) -> int:
        """Running replicas of the workload right now."""
        ...

    def restart_count(self, workload: str) -> int: ...
    def started_at(self, workload: str) -> float: ...
    def is_running(self, workload: str) -> bool: ...
    def close(self) -> None: ...


@runtime_checkable
class ProcessLifecycle(Platform, Protocol):
    def crash(self, workload: str) -> float: ...
    def kill(self, workload: str) -> float: ...
    def stop(self, workload: str, grace_s: float) -> float: ...
    def ensure_running(self, workload: str, timeout: float = 30.0) -> None: ...


@dataclass(frozen=True)
class ProcessRef:
    """One process inside a workload's container: its PID as whoever signals it sees
    it (the host's on Docker, the pod's on Kubernetes), where it runs, its state
    letter (`T`: stopped) and its command line."""

    where: str
    pid: int
    state: str
    command: str


@runtime_checkable
class ProcessSignals(Platform, Protocol):
    def processes(self, workload: str) -> list[ProcessRef]:
        """Every process of the workload's container (each targeted pod's)."""
        ...

    def send_signal(self, workload: str, processes: list[ProcessRef], signal_name: str) -> float:
        """Send `signal_name` (KILL, TERM, STOP, CONT) to these processes of the workload;
        one that is gone already is skipped. Returns when it was sent."""
        ...


@runtime_checkable
class Freezing(Platform, Protocol):
    def pause(self, workload: str) -> float: ...
    def unpause(self, workload: str) -> None: ...
    def is_paused(self, workload: str) -> bool: ...


@runtime_checkable
class NetworkPartition(Platform, Protocol):
    def networks(self, workload: str) -> dict[str, list[str]]:
        """Connected networks and the workload's aliases on each."""
        ...

    def disconnect(self, workload: str, network: str) -> float: ...
    def reconnect(self, workload: str, network: str, aliases: list[str]) -> None: ...


@runtime_checkable
class NetworkShaping(Platform, Protocol):
    def add_latency(self, workload: str, delay_s: float, jitter_s: float) -> float: ...
    def add_loss(self, workload: str, percent: float) -> float: ...
    def clear_network_faults(self, workload: str) -> None: ...
    def network_faults(self, workload: str) -> list[str]:
        """Latency and loss rules in place (empty: none)."""
        ...


@runtime_checkable
class ResourceStress(Platform, Protocol):
    def start_stress(
        self, workload: str, resource: str, amount: int, marker: str, max_s: float
    ) -> float: ...
    def stop_stress(self, workload: str, marker: str) -> None: ...
    def stress_processes(self, workload: str, marker: str) -> list[int]: ...


@runtime_checkable
class DiskFill(Platform, Protocol):
    def free_bytes(self, workload: str, directory: str) -> int:
        """Free bytes on the filesystem holding `directory` inside the workload."""
        ...

    def fill_disk(self, workload: str, path: str, megabytes: int) -> float: ...
    def remove_fill(self, workload: str, path: str) -> None:
        """Idempotent: a missing file, or a workload started anew, is not an error."""
        ...

    def fill_files(self, workload: str, directory: str, prefix: str) -> list[str]: ...


@runtime_checkable
class Orchestrator(Platform, Protocol):
    def desired_replicas(self, workload: str) -> int:
        """The replica count the workload's controller asks for."""
        ...

    def scale(self, workload: str, replicas: int) -> float: ...
    def evict(self, workload: str) -> float: ...
    def node_of(self, workload: str) -> str: ...
    def drain(self, node: str, workload: str) -> float: ...
    def uncordon(self, node: str) -> None: ...


@runtime_checkable
class DatabasePrimary(Platform, Protocol):
    def database_primary(self) -> str:
        """The workload of the database primary, as the platform names it right now."""
        ...


PROTOCOLS: dict[Capability, type[Platform]] = {
    Capability.PROCESS_LIFECYCLE: ProcessLifecycle,
    Capability.PROCESS_SIGNALS: ProcessSignals,
    Capability.FREEZE: Freezing,
    Capability.NETWORK_PARTITION: NetworkPartition,
    Capability.NETWORK_SHAPING: NetworkShaping,
    Capability.RESOURCE_STRESS: ResourceStress,
    Capability.DISK_FILL: DiskFill,
    Capability.ORCHESTRATOR: Orchestrator,
    Capability.DATABASE_PRIMARY: DatabasePrimary,
}
"""The Protocol of each capability (the compliance tests check them all)."""
