"""The Kubernetes platform adapter, on the official `kubernetes` client. Workloads
are pods found by label selector; only pods labelled drillable are touched, only
in the allowed namespace, only through an allowed kubeconfig context (refused
before any call), and never more than max_targets pods at once.

Process and pod faults use the core API (exec, delete, eviction) and the apps API
(scale). Network and stress faults are Chaos Mesh resources where the cluster has
it (chaos/kubernetes_chaos_mesh.py); without it, stress runs through exec and
network faults from the pods' node where pagerdrill runs on it
(chaos/kubernetes_node.py). Pause has no Kubernetes equivalent and is refused."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Sequence
from typing import Any, ClassVar, cast

from kubernetes import client
from kubernetes.stream import stream

from chaos.kubernetes_api import serving
from chaos.kubernetes_chaos_mesh import ChaosMeshFaults
from chaos.kubernetes_exec import PodExec
from chaos.kubernetes_node import NodeNetwork
from chaos.platform import ProcessRef, ResolvedTarget
from chaos.processes import LIST_SCRIPT, parse_listing
from harness import clock
from harness.capabilities import Capability
from harness.clients.kubernetes import CheckedApi, KubernetesApiError, api_client, delete_named
from harness.closing import Closing
from harness.errors import FaultInjectionError, GuardRefused, InfrastructureError
from harness.polling import wait_until
from harness.target import KubernetesPlatform as KubernetesConfig
from harness.target import KubernetesWorkload

log = logging.getLogger("pagerdrill.api")
NETWORK_CAPABILITIES = frozenset({Capability.NETWORK_PARTITION, Capability.NETWORK_SHAPING})
EXEC_TIMEOUT_S = 10.0
CRASH_SEEN_S = 10.0
"""How long a crashed container may take to show as ended in the API."""
PINNED = "#"


def choose(pods: Sequence[str], workload: KubernetesWorkload, max_targets: int) -> list[str]:
    """The pods a fault acts on: `mode` of the candidates (sorted, so plans are stable),
    refused beyond max_targets."""
    ordered = sorted(pods)
    if not ordered:
        return []
    count = {
        "one": 1,
        "fixed": workload.value,
        "percent": max(1, math.floor(len(ordered) * workload.value / 100)),
        "all": len(ordered),
    }[workload.mode]
    if count > max_targets:
        raise GuardRefused(
            f"mode {workload.mode} would touch {count} pods, more than max_targets {max_targets}"
        )
    return ordered[: min(count, len(ordered))]


class KubernetesPlatform(Closing):
    """Pods of one namespace. No freezing (Kubernetes has no pause); the partition acts
    on "the pod network", the one network a pod has."""

    name: ClassVar[str] = "kubernetes"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.PROCESS_LIFECYCLE,
            Capability.PROCESS_SIGNALS,
            Capability.NETWORK_PARTITION,
            Capability.NETWORK_SHAPING,
            Capability.RESOURCE_STRESS,
            Capability.ORCHESTRATOR,
            Capability.DATABASE_PRIMARY,
            Capability.DISK_FILL,
        }
    )

    @classmethod
    def capabilities_for(cls, config: object) -> frozenset[Capability]:
        """Network faults need Chaos Mesh (`chaos_mesh: true`) or pagerdrill on the
        pods' node (`node_access: true`); stress runs through exec without either."""
        if isinstance(config, KubernetesConfig) and (config.chaos_mesh or config.node_access):
            return cls.capabilities
        return cls.capabilities - NETWORK_CAPABILITIES

    def __init__(self, cfg: KubernetesConfig) -> None:
        self.cfg = cfg
        self._api = api_client(cfg)
        self.core = CheckedApi(client.CoreV1Api(self._api))
        self.apps = CheckedApi(client.AppsV1Api(self._api))
        self.custom = CheckedApi(client.CustomObjectsApi(self._api))
        self.in_pod = PodExec(self)
        chaos_mesh = ChaosMeshFaults(self, self._api) if cfg.chaos_mesh else None
        self.network: ChaosMeshFaults | NodeNetwork = chaos_mesh or NodeNetwork(self)
        self.stress: ChaosMeshFaults | PodExec = chaos_mesh or self.in_pod

    def close(self) -> None:
        self._api.close()  # type: ignore[no-untyped-call]

    # finding targets

    def _workload(self, workload: str) -> KubernetesWorkload:
        """`workload`, or `workload#pod` for one named pod of it (the database primary)."""
        return self.cfg.workloads[workload.split(PINNED, maxsplit=1)[0]]

    def pods(self, workload: str) -> list[Any]:
        selector = self._workload(workload).selector
        log.debug("GET pods -l %s -n %s", selector, self.cfg.namespace)
        return list(
            self.core.list_namespaced_pod(self.cfg.namespace, label_selector=selector).items
        )

    def targets(self, workload: str) -> list[str]:
        pods = self.pods(workload)
        undrillable = [
            p.metadata.name
            for p in pods
            if (p.metadata.labels or {}).get(self.cfg.drillable_label) != "true"
        ]
        if undrillable:
            raise GuardRefused(
                f"pods {', '.join(undrillable)} (workload {workload}) are not labelled "
                f"{self.cfg.drillable_label}=true; pagerdrill touches only drillable pods"
            )
        running = [p.metadata.name for p in pods if serving(p)]
        if PINNED in workload:
            pinned = workload.split(PINNED)[1]
            chosen = [pinned] if pinned in running else []
        else:
            chosen = choose(running, self._workload(workload), self.cfg.max_targets)
        if not chosen:
            raise InfrastructureError(f"workload {workload}: no running pod matches")
        return chosen

    def resolve(self, workload: str) -> ResolvedTarget:
        return ResolvedTarget(workload, ",".join(self.targets(workload)), "pod")

    def database_primary(self) -> str:
        """`workload#pod` of the primary pod right now (CloudNativePG's
        status.currentPrimary, or Patroni's role label)."""
        database = self.cfg.database
        if database is None:
            raise InfrastructureError("the target names no platform.database")
        if database.kind == "cloudnativepg":
            found = cast(
                dict[str, Any],
                self.custom.get_namespaced_custom_object(
                    "postgresql.cnpg.io", "v1", self.cfg.namespace, "clusters", database.cluster
                ),
            )
            primary = (found.get("status") or {}).get("currentPrimary")
            if not primary:
                raise InfrastructureError(f"cluster {database.cluster} names no currentPrimary")
        else:
            primaries = [
                p.metadata.name
                for p in self.pods(database.workload)
                if (p.metadata.labels or {}).get(database.role_label) in database.primary_values
            ]
            if len(primaries) != 1:
                raise InfrastructureError(f"expected one primary pod, found {primaries}")
            primary = primaries[0]
        return f"{database.workload}{PINNED}{primary}"

    # processes and pods

    def crash(self, workload: str) -> float:
        """SIGKILL every process of the container but its init, through exec. The
        kernel ignores SIGKILL sent to a PID namespace's init from inside it, so the
        container's init must end with its child (tini, dumb-init, a shell that
        waits): checked, and refused with that hint if the container did not end."""
        container = self._workload(workload).container
        pods = self.targets(workload)
        before = {pod: self._restarts_of(pod) for pod in pods}
        at = clock.now()
        for pod in pods:
            log.debug("exec %s kill -KILL -1", pod)
            kwargs = {"container": container} if container else {}
            session = stream(
                self.core.raw.connect_get_namespaced_pod_exec,
                pod,
                self.cfg.namespace,
                command=["/bin/sh", "-c", "kill -KILL -1"],
                stderr=True, stdin=False, stdout=True, tty=False,
                _preload_content=False,
                **kwargs,
            )  # fmt: skip
            try:  # closed here, not left to the garbage collector (an unclosed socket)
                session.run_forever(timeout=EXEC_TIMEOUT_S)
            finally:
                _close(session)
        for pod, restarts in before.items():
            wait_until(
                functools.partial(self._ended, pod, restarts),
                CRASH_SEEN_S,
                expected=f"a container of {pod} ended",
                where="the Kubernetes API",
                hint="run the app under an init that ends with it (tini), or use kill",
            )
        return at

    def _container_statuses(self, pod: str) -> list[Any]:
        found: Any = self.core.read_namespaced_pod(pod, self.cfg.namespace)
        return list(found.status.container_statuses or [])

    def _restarts_of(self, pod: str) -> int:
        return sum(int(c.restart_count) for c in self._container_statuses(pod))

    def _ended(self, pod: str, restarts: int) -> bool:
        statuses = self._container_statuses(pod)
        return sum(int(c.restart_count) for c in statuses) > restarts or any(
            c.state.terminated is not None or c.state.waiting is not None for c in statuses
        )

    def _delete(self, workload: str, grace_s: int) -> float:
        at = clock.now()
        for pod in self.targets(workload):
            log.debug("DELETE pod %s (grace %d s)", pod, grace_s)
            self.core.delete_namespaced_pod(pod, self.cfg.namespace, grace_period_seconds=grace_s)
        return at

    def kill(self, workload: str) -> float:
        return self._delete(workload, 0)

    def run_script(self, workload: str, pod: str, script: str) -> str:
        """A shell script's output in the workload's container of `pod`."""
        container = self._workload(workload).container
        kwargs = {"container": container} if container else {}
        log.debug("exec %s sh -c ...", pod)
        session = stream(
            self.core.raw.connect_get_namespaced_pod_exec,
            pod,
            self.cfg.namespace,
            command=["/bin/sh", "-c", script],
            stderr=True, stdin=False, stdout=True, tty=False,
            _preload_content=False,
            **kwargs,
        )  # fmt: skip
        try:  # closed here, not left to the garbage collector (an unclosed socket)
            session.run_forever(timeout=EXEC_TIMEOUT_S)
            return str(session.read_stdout(timeout=0))
        finally:
            _close(session)

    def processes(self, workload: str) -> list[ProcessRef]:
        return [
            p
            for pod in self.targets(workload)
            for p in parse_listing(pod, self.run_script(workload, pod, LIST_SCRIPT))
        ]

    def send_signal(self, workload: str, processes: list[ProcessRef], signal_name: str) -> float:
        """Through exec in each pod, and only to PIDs that are there right now. Inside
        a pod the kernel ignores KILL and STOP sent to its init (PID 1): refused."""
        if signal_name in ("KILL", "STOP") and any(p.pid == 1 for p in processes):
            raise FaultInjectionError(
                f"SIG{signal_name} to PID 1 of a pod is ignored by the kernel when sent from "
                "inside it; match a child process, or use crash-process for the whole container"
            )
        current = {(p.where, p.pid) for p in self.processes(workload)}
        at = clock.now()
        for pod in sorted({p.where for p in processes}):
            pids = [str(p.pid) for p in processes if (pod, p.pid) in current]
            if pids:
                self.run_script(
                    workload, pod, f"kill -{signal_name} {' '.join(pids)} 2>/dev/null; true"
                )
        return at

    def stop(self, workload: str, grace_s: float) -> float:
        return self._delete(workload, round(grace_s))

    def evict(self, workload: str) -> float:
        at = clock.now()
        for pod in self.targets(workload):
            self._evict_pod(pod)
        return at

    def _evict_pod(self, pod: str) -> None:
        body = client.V1Eviction(
            metadata=client.V1ObjectMeta(name=pod, namespace=self.cfg.namespace)
        )
        log.debug("POST eviction %s", pod)
        self.core.create_namespaced_pod_eviction(pod, self.cfg.namespace, body)

    def ensure_running(self, workload: str, timeout: float = 120.0) -> None:
        """The workload's Deployment has every replica ready (its controller replaces
        deleted pods); without a Deployment, some pod of it is running."""
        deployment = self._workload(workload).deployment
        if deployment is not None:
            try:
                self.apps.read_namespaced_deployment(deployment, self.cfg.namespace)
            except KubernetesApiError as exc:
                if exc.status != 404:
                    raise
                raise InfrastructureError(
                    f"workload {workload} names Deployment {deployment}, which does not exist "
                    f"in {self.cfg.namespace}: nothing recreates its pods; recreate them by hand"
                ) from None

        def ready() -> bool:
            if deployment is None:
                return any(serving(p) for p in self.pods(workload))
            found = self.apps.read_namespaced_deployment(deployment, self.cfg.namespace)
            if found.status is None or found.spec is None:
                return False
            replicas = found.spec.replicas or 0
            in_service = sum(1 for p in self.pods(workload) if serving(p))
            return (found.status.ready_replicas or 0) >= replicas and in_service >= min(replicas, 1)

        wait_until(ready, timeout, expected=f"{workload} ready", where="the Kubernetes API")

    def replicas(self, workload: str) -> int:
        """Ready pods of the workload right now (what serves, not what is asked for)."""
        return sum(
            1
            for p in self.pods(workload)
            if p.metadata.deletion_timestamp is None
            and any(c.type == "Ready" and c.status == "True" for c in p.status.conditions or [])
        )

    def desired_replicas(self, workload: str) -> int:
        """The replica count its Deployment asks for."""
        deployment = self._deployment(workload)
        scale = self.apps.read_namespaced_deployment_scale(deployment, self.cfg.namespace)
        return int(scale.spec.replicas or 0) if scale.spec else 0

    def scale(self, workload: str, replicas: int) -> float:
        deployment = self._deployment(workload)
        at = clock.now()
        log.debug("PATCH deployment %s scale %d", deployment, replicas)
        self.apps.patch_namespaced_deployment_scale(
            deployment, self.cfg.namespace, {"spec": {"replicas": replicas}}
        )
        return at

    def _deployment(self, workload: str) -> str:
        deployment = self._workload(workload).deployment
        if deployment is None:
            raise FaultInjectionError(f"workload {workload} names no deployment to scale")
        return deployment

    def node_of(self, workload: str) -> str:
        pods = sorted(self.pods(workload), key=lambda p: p.metadata.name)
        nodes = [p.spec.node_name for p in pods if p.spec and p.spec.node_name]
        if not nodes:
            raise InfrastructureError(f"workload {workload}: no pod is scheduled on a node")
        return str(nodes[0])

    def drain(self, node: str, workload: str) -> float:
        """Cordon `node`, then evict the workload's drillable pods on it (only those:
        other tenants' pods on the node are never touched)."""
        self.targets(workload)  # the guards, before the node is touched
        at = clock.now()
        log.debug("PATCH node %s unschedulable=true", node)
        self.core.patch_node(node, {"spec": {"unschedulable": True}})
        for pod in self.pods(workload):
            if pod.spec and pod.spec.node_name == node:
                self._evict_pod(pod.metadata.name)
        return at

    def uncordon(self, node: str) -> None:
        log.debug("PATCH node %s unschedulable=false", node)
        self.core.patch_node(node, {"spec": {"unschedulable": False}})

    def delete_named(self, name: str, kinds: Sequence[str]) -> None:
        """Objects pagerdrill created itself (the load's worker pods), by name."""
        log.debug("DELETE %s %s -n %s", "/".join(kinds), name, self.cfg.namespace)
        delete_named(self._api, self.cfg.namespace, name, kinds)

    # network and stress: Chaos Mesh resources, or from the node and through exec

    def networks(self, workload: str) -> dict[str, list[str]]:
        return self.network.networks(workload)

    def disconnect(self, workload: str, network: str) -> float:
        return self.network.disconnect(workload, network)

    def reconnect(self, workload: str, network: str, aliases: list[str]) -> None:
        self.network.reconnect(workload, network, aliases)

    def add_latency(self, workload: str, delay_s: float, jitter_s: float) -> float:
        return self.network.add_latency(workload, delay_s, jitter_s)

    def add_loss(self, workload: str, percent: float) -> float:
        return self.network.add_loss(workload, percent)

    def clear_network_faults(self, workload: str) -> None:
        self.network.clear_network_faults(workload)

    def network_faults(self, workload: str) -> list[str]:
        return self.network.network_faults(workload)

    def start_stress(
        self, workload: str, resource: str, amount: int, marker: str, max_s: float
    ) -> float:
        return self.stress.start_stress(workload, resource, amount, marker, max_s)

    def stop_stress(self, workload: str, marker: str) -> None:
        self.stress.stop_stress(workload, marker)

    def stress_processes(self, workload: str, marker: str) -> list[int]:
        return self.stress.stress_processes(workload, marker)

    # disk, through exec

    def free_bytes(self, workload: str, directory: str) -> int:
        return self.in_pod.free_bytes(workload, directory)

    def fill_disk(self, workload: str, path: str, megabytes: int) -> float:
        return self.in_pod.fill_disk(workload, path, megabytes)

    def remove_fill(self, workload: str, path: str) -> None:
        self.in_pod.remove_fill(workload, path)

    def fill_files(self, workload: str, directory: str, prefix: str) -> list[str]:
        return self.in_pod.fill_files(workload, directory, prefix)

    # observation

    def restart_count(self, workload: str) -> int:
        return sum(
            cs.restart_count
            for p in self.pods(workload)
            for cs in (p.status.container_statuses or [])
        )

    def started_at(self, workload: str) -> float:
        starts = [
            cs.state.running.started_at.timestamp()
            for p in self.pods(workload)
            for cs in (p.status.container_statuses or [])
            if cs.state and cs.state.running
        ]
        if not starts:
            raise InfrastructureError(f"workload {workload}: no running container")
        return float(max(starts))

    def is_running(self, workload: str) -> bool:
        return any(serving(p) for p in self.pods(workload))


def _close(session: Any) -> None:
    """Close an exec session and its socket: when the remote end closed first (the
    command ended), the client's `close()` leaves the TLS socket open."""
    session.close()
    sock = getattr(session, "sock", None)
    if sock is not None:
        sock.shutdown()
