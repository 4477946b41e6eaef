"""An in-memory platform implementing chaos.platform.Platform, for the fault
guarantees that need no real engine (revert on exception and Ctrl-C, a failing
revert leaves the journal open). Never a stand-in for the Docker integration tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from chaos.platform import ProcessRef, ResolvedTarget
from harness import clock
from harness.capabilities import Capability
from harness.errors import GuardRefused, InfrastructureError


@dataclass
class FakeWorkload:
    drillable: bool = True
    running: bool = True
    paused: bool = False
    restarts: int = 0
    networks: dict[str, list[str]] = field(default_factory=lambda: {"net": ["alias"]})
    network_faults: list[str] = field(default_factory=list)
    stress: dict[int, str] = field(default_factory=dict)
    replicas: int = 2
    node: str = "node-1"
    files: dict[str, int] = field(default_factory=dict)
    free_mb: int = 10_000
    generation: int = 0
    """Bumped when its pod is replaced (evict, drain): a new pod name."""
    processes: dict[int, list[str]] = field(
        default_factory=lambda: {1: ["S", "tini -- app"], 7: ["S", "app --serve"]}
    )
    """PID -> [state letter, command line]."""


class FakePlatform:
    name: ClassVar[str] = "fake"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(Capability)

    @classmethod
    def capabilities_for(cls, config: object) -> frozenset[Capability]:
        return cls.capabilities

    def __init__(self, **workloads: FakeWorkload) -> None:
        self.workloads = workloads
        self.primary = next(iter(workloads))
        self.calls: list[str] = []
        self.fail_reverts = False
        self.cordoned: set[str] = set()

    def _w(self, workload: str) -> FakeWorkload:
        if workload not in self.workloads:
            raise InfrastructureError(f"no workload {workload}")
        return self.workloads[workload]

    def _act(self, call: str, workload: str) -> FakeWorkload:
        self.resolve(workload)  # the guards, as every adapter applies them
        self.calls.append(f"{call} {workload}")
        return self._w(workload)

    def _revert(self, call: str, workload: str) -> FakeWorkload:
        if self.fail_reverts:
            raise InfrastructureError(f"{call} {workload}: the engine does not answer")
        self.calls.append(f"{call} {workload}")
        return self._w(workload)

    def resolve(self, workload: str) -> ResolvedTarget:
        if not self._w(workload).drillable:
            raise GuardRefused(f"{workload} is not drillable")
        generation = self._w(workload).generation
        name = f"fake-{workload}" + (f"-{generation}" if generation else "")
        return ResolvedTarget(workload, name, "container")

    def database_primary(self) -> str:
        return self.primary

    def crash(self, workload: str) -> float:
        w = self._act("crash", workload)
        w.restarts += 1
        return clock.now()

    def kill(self, workload: str) -> float:
        self._act("kill", workload).running = False
        return clock.now()

    def stop(self, workload: str, grace_s: float) -> float:
        self._act("stop", workload).running = False
        return clock.now()

    def ensure_running(self, workload: str, timeout: float = 30.0) -> None:
        w = self._revert("ensure-running", workload)
        w.running, w.paused = True, False

    def processes(self, workload: str) -> list[ProcessRef]:
        return [
            ProcessRef(f"fake-{workload}", pid, state, command)
            for pid, (state, command) in self._w(workload).processes.items()
        ]

    def send_signal(self, workload: str, processes: list[ProcessRef], signal_name: str) -> float:
        # CONT is the revert: it may fail like every revert of this fake
        act = self._revert if signal_name == "CONT" else self._act
        w = act(f"signal {signal_name}", workload)
        for process in processes:
            if process.pid not in w.processes:
                continue
            if signal_name in ("KILL", "TERM"):
                del w.processes[process.pid]
            else:
                w.processes[process.pid][0] = "T" if signal_name == "STOP" else "S"
        return clock.now()

    def pause(self, workload: str) -> float:
        self._act("pause", workload).paused = True
        return clock.now()

    def unpause(self, workload: str) -> None:
        self._revert("unpause", workload).paused = False

    def replicas(self, workload: str) -> int:
        w = self._w(workload)
        return w.replicas if w.running else 0

    def desired_replicas(self, workload: str) -> int:
        return self._w(workload).replicas

    def scale(self, workload: str, replicas: int) -> float:
        self._act("scale", workload).replicas = replicas
        return clock.now()

    def evict(self, workload: str) -> float:
        w = self._act("evict", workload)
        w.running, w.generation = False, w.generation + 1
        return clock.now()

    def node_of(self, workload: str) -> str:
        return self._w(workload).node

    def drain(self, node: str, workload: str) -> float:
        w = self._act("drain", workload)
        w.running, w.generation = False, w.generation + 1
        self.cordoned.add(node)
        return clock.now()

    def uncordon(self, node: str) -> None:
        if self.fail_reverts:
            raise InfrastructureError(f"uncordon {node}: the API does not answer")
        self.cordoned.discard(node)

    def networks(self, workload: str) -> dict[str, list[str]]:
        return dict(self._w(workload).networks)

    def disconnect(self, workload: str, network: str) -> float:
        self._act("disconnect", workload).networks.pop(network)
        return clock.now()

    def reconnect(self, workload: str, network: str, aliases: list[str]) -> None:
        self._revert("reconnect", workload).networks.setdefault(network, aliases)

    def add_latency(self, workload: str, delay_s: float, jitter_s: float) -> float:
        self._act("latency", workload).network_faults.append(f"delay {delay_s}")
        return clock.now()

    def add_loss(self, workload: str, percent: float) -> float:
        self._act("loss", workload).network_faults.append(f"loss {percent}")
        return clock.now()

    def clear_network_faults(self, workload: str) -> None:
        self._revert("clear-network-faults", workload).network_faults.clear()

    def network_faults(self, workload: str) -> list[str]:
        return list(self._w(workload).network_faults)

    def start_stress(
        self, workload: str, resource: str, amount: int, marker: str, max_s: float
    ) -> float:
        w = self._act("stress", workload)
        w.stress[len(w.stress) + 1000] = marker
        return clock.now()

    def stop_stress(self, workload: str, marker: str) -> None:
        w = self._revert("stop-stress", workload)
        w.stress = {pid: m for pid, m in w.stress.items() if m != marker}

    def stress_processes(self, workload: str, marker: str) -> list[int]:
        return [pid for pid, m in self._w(workload).stress.items() if m == marker]

    def restart_count(self, workload: str) -> int:
        return self._w(workload).restarts

    def started_at(self, workload: str) -> float:
        return clock.now()

    def is_running(self, workload: str) -> bool:
        w = self._w(workload)
        return w.running and not w.paused

    def is_paused(self, workload: str) -> bool:
        return self._w(workload).paused

    def free_bytes(self, workload: str, directory: str) -> int:
        w = self._w(workload)
        return (w.free_mb - sum(w.files.values())) * 1024 * 1024

    def fill_disk(self, workload: str, path: str, megabytes: int) -> float:
        self._act("fill-disk", workload).files[path] = megabytes
        return clock.now()

    def remove_fill(self, workload: str, path: str) -> None:
        self._revert("remove-fill", workload).files.pop(path, None)

    def fill_files(self, workload: str, directory: str, prefix: str) -> list[str]:
        return [f for f in self._w(workload).files if f.startswith(f"{directory}/{prefix}")]

    def close(self) -> None:
        pass
