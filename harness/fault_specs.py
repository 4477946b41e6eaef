"""The faults a drill can name, as data (`fault:` in a drill file). What each does
and how it is reverted: README.md, "The fault catalogue"; the code: chaos/faults/."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from harness.types import Frozen, Seconds


class _WorkloadFault(Frozen):
    workload: str


class CrashProcessFault(_WorkloadFault):
    """SIGKILL the workload's main process, as a real crash would end it."""

    kind: Literal["crash-process"]


class KillFault(_WorkloadFault):
    """Kill the container through the engine's API (a manual stop: no restart policy)."""

    kind: Literal["kill"]


class StopFault(_WorkloadFault):
    """Stop the container gracefully (SIGTERM, then SIGKILL after the grace period)."""

    kind: Literal["stop"]
    grace: Seconds = 10.0


class PauseFault(_WorkloadFault):
    """Freeze every process of the container (cgroup freezer): up, but not answering."""

    kind: Literal["pause"]


class NetworkPartitionFault(_WorkloadFault):
    """Disconnect the container from its networks (or the one named)."""

    kind: Literal["network-partition"]
    network: str | None = None


class NetworkLatencyFault(_WorkloadFault):
    """Delay every packet the container sends (tc netem in its network namespace;
    the kernel needs CONFIG_NET_SCH_NETEM)."""

    kind: Literal["network-latency"]
    delay: Seconds
    jitter: float = Field(default=0.0, ge=0)


class NetworkLossFault(_WorkloadFault):
    """Drop a share of the packets the container sends (an iptables statistic rule in
    its network namespace)."""

    kind: Literal["network-loss"]
    percent: float = Field(gt=0, le=100)


class CpuStressFault(_WorkloadFault):
    """Busy-loop workers inside the container's cgroup, ended by the revert (or by
    themselves after `max_duration`)."""

    kind: Literal["cpu-stress"]
    workers: int = Field(default=1, ge=1, le=16)
    max_duration: Seconds = 300.0


class MemoryStressFault(_WorkloadFault):
    """Allocate and touch memory inside the container's cgroup."""

    kind: Literal["memory-stress"]
    megabytes: int = Field(ge=1, le=16384)
    max_duration: Seconds = 300.0


class ScaleFault(_WorkloadFault):
    """Set the workload's Deployment to `replicas` (Kubernetes); reverted to the count
    it had before."""

    kind: Literal["scale"]
    replicas: int = Field(ge=0, le=100)


class EvictFault(_WorkloadFault):
    """Evict the workload's pods through the Eviction API, so PodDisruptionBudgets
    apply (Kubernetes)."""

    kind: Literal["evict"]


class DrainNodeFault(Frozen):
    """Cordon a node and evict the drillable pods of the workload on it (Kubernetes);
    reverted by uncordoning."""

    kind: Literal["drain-node"]
    workload: str
    """Whose pods' node is drained (the node of its first pod, in name order)."""


class KillDatabasePrimaryFault(Frozen):
    """Kill the container of the database primary, as Patroni names it right now."""

    kind: Literal["kill-database-primary"]


class AppErrorRateFault(Frozen):
    """The app answers a share of a route's requests with HTTP 500 (fault hooks)."""

    kind: Literal["app-error-rate"]
    route: str = "*"
    ratio: float = Field(gt=0, le=1)


class AppLatencyFault(Frozen):
    """The app delays a route's answers (fault hooks)."""

    kind: Literal["app-latency"]
    route: str = "*"
    delay: Seconds


class PluginFailureFault(Frozen):
    """Plugins report unhealthy and their operations fail (fault hooks)."""

    kind: Literal["plugin-failure"]
    plugins: list[str] = Field(min_length=1)


class ReadinessFailureFault(Frozen):
    """The app's readiness check fails while its liveness check passes (fault hooks)."""

    kind: Literal["readiness-failure"]


class LivenessFailureFault(Frozen):
    """The app's liveness check fails while it still serves (fault hooks): only a
    health-based restart brings it back."""

    kind: Literal["liveness-failure"]


class DeploymentFailureFault(Frozen):
    """Service deployments roll out and fail (fault hooks)."""

    kind: Literal["deployment-failure"]


class CacheFlushFault(Frozen):
    """Empty the app's catalog cache once (nothing to revert: it refills)."""

    kind: Literal["cache-flush"]


class BruteForceFault(Frozen):
    """Failed sign-ins from one client, bounded in count and time (nothing to revert:
    the platform's block expires by itself)."""

    kind: Literal["brute-force"]
    attempts: int = Field(default=10, ge=1, le=200)
    username: str = "admin"
    path: str = Field(default="/login", pattern=r"^/")
    """The sign-in form's path; it is posted `username` and `password` fields."""
    client: str | None = None
    """The address the attack appears from (sent as X-Forwarded-For), for apps behind
    a proxy that trusts it; otherwise the attack comes from pagerdrill's own address."""
    within: Seconds = 30.0


FaultKinds = (
    CrashProcessFault
    | KillFault
    | StopFault
    | PauseFault
    | NetworkPartitionFault
    | NetworkLatencyFault
    | NetworkLossFault
    | CpuStressFault
    | MemoryStressFault
    | ScaleFault
    | EvictFault
    | DrainNodeFault
    | KillDatabasePrimaryFault
    | AppErrorRateFault
    | AppLatencyFault
    | PluginFailureFault
    | ReadinessFailureFault
    | LivenessFailureFault
    | DeploymentFailureFault
    | CacheFlushFault
    | BruteForceFault
)
FaultSpec = Annotated[FaultKinds, Field(discriminator="kind")]


def target_of(spec: Frozen) -> str:
    """What the fault acts on, for people: a workload, the database primary, the app."""
    if isinstance(spec, CONTAINER_FAULTS):
        return spec.workload
    if isinstance(spec, KillDatabasePrimaryFault):
        return "the database primary"
    if getattr(spec, "kind", None) == "traffic-surge":
        return "the app (the load's spike)"
    return "the app"


CONTAINER_FAULTS = (
    CrashProcessFault,
    KillFault,
    StopFault,
    PauseFault,
    NetworkPartitionFault,
    NetworkLatencyFault,
    NetworkLossFault,
    CpuStressFault,
    MemoryStressFault,
    ScaleFault,
    EvictFault,
    DrainNodeFault,
)
APP_HOOK_FAULTS = (
    AppErrorRateFault,
    AppLatencyFault,
    PluginFailureFault,
    ReadinessFailureFault,
    LivenessFailureFault,
    DeploymentFailureFault,
    CacheFlushFault,
)
