"""Network faults in pods without Chaos Mesh, from the node: pagerdrill runs as root
on the node of the drilled pods (`platform.node_access: true`, the sandbox's single
node) and enters a pod's network namespace with nsenter through the host PID of one
of its containers' processes, found by the container's ID in /proc/*/cgroup (the ID
the kubelet reports, `containerd://<id>`: cgroupfs and systemd cgroup paths both
carry it). The rules are the Docker sandbox's (chaos/netns.py), tagged so that
revert and recover remove exactly them; they live in the pod's network namespace,
so a restarted container stays partitioned until the revert."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from chaos import netns
from chaos.kubernetes_api import WorkloadPods, serving
from harness import clock
from harness.errors import FaultInjectionError

PROC = Path("/proc")
POD_NETWORK = "pod-network"


def host_pid(container_id: str, proc: Path = PROC) -> int | None:
    """The lowest PID on this host whose cgroup names the container, or None."""
    bare = container_id.split("://", 1)[-1]
    pids = sorted(int(entry.name) for entry in proc.iterdir() if entry.name.isdigit())
    for pid in pids:
        try:
            if bare in (proc / str(pid) / "cgroup").read_text():
                return pid
        except OSError:  # ended meanwhile
            continue
    return None


class NodeNetwork:
    def __init__(self, pods: WorkloadPods, proc: Path = PROC) -> None:
        self.pods = pods
        self.proc = proc

    def _require_node(self) -> None:
        if not self.pods.cfg.node_access:
            raise FaultInjectionError(
                "network faults on Kubernetes need Chaos Mesh (platform.chaos_mesh: true) or "
                "pagerdrill as root on the pods' node (platform.node_access: true)"
            )

    def _pid_of(self, pod: Any) -> int:
        """A host PID in the pod's network namespace (any running container's)."""
        name = pod.metadata.name
        ids = [
            c.container_id
            for c in pod.status.container_statuses or []
            if c.container_id and c.state and c.state.running
        ]
        for container_id in ids:
            pid = host_pid(container_id, self.proc)
            if pid is not None:
                return pid
        node = pod.spec.node_name if pod.spec else None
        raise FaultInjectionError(
            f"no process of pod {name} (node {node}) on this machine: network faults from "
            "the node need pagerdrill on the pod's node (platform.node_access)"
        )

    def _in_targets(self, workload: str, action: Callable[[int], object]) -> float:
        self._require_node()
        chosen = set(self.pods.targets(workload))
        pids = [self._pid_of(p) for p in self.pods.pods(workload) if p.metadata.name in chosen]
        at = clock.now()
        for pid in pids:
            action(pid)
        return at

    def _each_running(self, workload: str) -> list[int]:
        """A PID per running pod of the workload: reverts act on all of them."""
        self._require_node()
        return [
            self._pid_of(p)
            for p in self.pods.pods(workload)
            if serving(p) and p.status.container_statuses
        ]

    def networks(self, workload: str) -> dict[str, list[str]]:
        """The pod network, unless a partition rule holds one of the fault's pods."""
        chosen = set(self.pods.targets(workload))
        pods = [p for p in self.pods.pods(workload) if p.metadata.name in chosen]
        if self.pods.cfg.node_access and any(netns.partitioned(self._pid_of(p)) for p in pods):
            return {}
        return {POD_NETWORK: []}

    def disconnect(self, workload: str, network: str) -> float:
        return self._in_targets(workload, netns.partition)

    def reconnect(self, workload: str, network: str, aliases: list[str]) -> None:
        for pid in self._each_running(workload):
            netns.heal_partition(pid)

    def add_latency(self, workload: str, delay_s: float, jitter_s: float) -> float:
        return self._in_targets(workload, lambda pid: netns.add_latency(pid, delay_s, jitter_s))

    def add_loss(self, workload: str, percent: float) -> float:
        return self._in_targets(workload, lambda pid: netns.add_loss(pid, percent))

    def clear_network_faults(self, workload: str) -> None:
        for pid in self._each_running(workload):
            netns.clear_latency(pid)
            netns.clear_loss(pid)

    def network_faults(self, workload: str) -> list[str]:
        return [rule for pid in self._each_running(workload) for rule in netns.rules(pid)]
