"""The faults a drill can name, as data (`fault:` in a drill file). What each does
and how it is reverted: README.md, "The fault catalogue"; the code: chaos/faults/."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from harness.capabilities import Capability
from harness.load_specs import LoadSpec, SpikeShape
from harness.types import Frozen, Offset, Seconds

ActsOn = Literal["workload", "database primary", "database", "app", "app hooks", "load", "several"]
"""What a fault acts on: a workload the target names (`workload:`), the database
primary, the database through the target's `data_probe` connection, the app as its
users reach it, what several faults act on (compound), the app's fault hooks (the target's
`app.admin_token`), or the drill's own load."""


MAX_HOLD_S = 600.0


class FaultSpecBase(Frozen):
    """Every fault kind: its `kind` literal, what it acts on, the platform capability
    s it needs (none: it uses no platform verb) and its docstring, which `pagerdrill
    fault --dry-run` and the README's catalogue show."""

    acts_on: ClassVar[ActsOn] = "workload"
    needs: ClassVar[tuple[Capability, ...]] = ()

    instant: ClassVar[bool] = False
    """One event with nothing to revert (an eviction, a cache flush): over as it
    happens. Otherwise the fault acts until it ends by itself (`ends_after`) or its
    revert: a killed container that nothing restarts stays down until the revert
    starts it, so a kill is not instant."""

    hold: Seconds | None = Field(default=None, le=MAX_HOLD_S)
    """How long the fault stays in place before it is reverted, whatever the alert and
    recovery waits are doing (at most ten minutes); none: until the drill's waits end."""

    def target_text(self) -> str:
        """What the fault acts on, for people."""
        workload = getattr(self, "workload", None)
        return {
            "workload": str(workload),
            "database primary": "the database primary",
            "database": "the database",
            "load": "the app (the load's spike)",
        }.get(self.acts_on, "the app")

    def ends_after(self, load: LoadSpec | None) -> float | None:
        """Seconds after injection at which the fault ends (its `hold`; None: it is
        held until the drill's waits end)."""
        return self.hold

    def over_at(self, injected_at: float, reverted_at: float, load: LoadSpec | None) -> float:
        """When the fault stopped acting on the platform. Alerts are asked to resolve
        only after it: while plugins still hang, their alert firing is the truth, even
        if the journey (which does not use them) is green again."""
        if self.instant:
            return injected_at
        ends = self.ends_after(load)
        return reverted_at if ends is None else min(reverted_at, injected_at + ends)

    def parts(self) -> tuple[FaultSpecBase, ...]:
        """The single faults this one is made of (itself; a compound's steps), which
        the target and platform checks look at one by one."""
        return (self,)


class _WorkloadFault(FaultSpecBase):
    workload: str


RevertChoice = Literal["ensure-running", "leave-to-platform"]
"""How a lifecycle fault is reverted: start the workload again unless it is running
(for workloads nothing else restarts), or leave it to the platform that manages it
(a spawner's per-user containers, an orchestrator's pods)."""


class _LifecycleFault(_WorkloadFault):
    needs: ClassVar[tuple[Capability, ...]] = (Capability.PROCESS_LIFECYCLE,)

    revert: RevertChoice = "ensure-running"


class CrashProcessFault(_LifecycleFault):
    """SIGKILL the workload's main process, as a real crash would end it."""

    kind: Literal["crash-process"]


class KillFault(_LifecycleFault):
    """Kill the container through the engine's API (a manual stop: no restart policy)."""

    kind: Literal["kill"]


class StopFault(_LifecycleFault):
    """Stop the container gracefully (SIGTERM, then SIGKILL after the grace period)."""

    kind: Literal["stop"]
    grace: Seconds = 10.0


class SignalProcessFault(_WorkloadFault):
    """Signal the processes inside the workload's container whose command line matches
    `pattern` (a regular expression): STOP hangs them until the revert sends CONT;
    KILL or TERM ends them, and whatever started them (or nothing) brings them back.
    Refused when nothing matches, or more than `max_processes` do."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.PROCESS_SIGNALS,)

    kind: Literal["signal-process"]
    pattern: str = Field(min_length=1)
    signal: Literal["KILL", "TERM", "STOP", "CONT"] = "KILL"
    max_processes: int = Field(default=5, ge=1, le=100)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from exc
        return pattern


class PauseFault(_WorkloadFault):
    """Freeze every process of the container (cgroup freezer): up, but not answering."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.FREEZE,)

    kind: Literal["pause"]


class NetworkPartitionFault(_WorkloadFault):
    """Disconnect the container from its networks (or the one named)."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.NETWORK_PARTITION,)

    kind: Literal["network-partition"]
    network: str | None = None


class NetworkLatencyFault(_WorkloadFault):
    """Delay every packet the container sends (tc netem in its network namespace;
    the kernel needs CONFIG_NET_SCH_NETEM)."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.NETWORK_SHAPING,)

    kind: Literal["network-latency"]
    delay: Seconds
    jitter: float = Field(default=0.0, ge=0)


class NetworkLossFault(_WorkloadFault):
    """Drop a share of the packets the container sends (an iptables statistic rule in
    its network namespace)."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.NETWORK_SHAPING,)

    kind: Literal["network-loss"]
    percent: float = Field(gt=0, le=100)


class CpuStressFault(_WorkloadFault):
    """Busy-loop workers inside the container's cgroup, ended by the revert (or by
    themselves after `max_duration`)."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.RESOURCE_STRESS,)

    kind: Literal["cpu-stress"]
    workers: int = Field(default=1, ge=1, le=16)
    max_duration: Seconds = 300.0


class MemoryStressFault(_WorkloadFault):
    """Allocate and touch memory inside the container's cgroup."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.RESOURCE_STRESS,)

    kind: Literal["memory-stress"]
    megabytes: int = Field(ge=1, le=16384)
    max_duration: Seconds = 300.0


class DiskFillFault(_WorkloadFault):
    """Write one file of `megabytes` into `directory` inside the workload, as a runaway
    log or a full volume would; the revert removes it. Refused before writing if it
    would leave less than `keep_free_mb` free on that filesystem (the host's own disk,
    for a container's writable layer)."""

    kind: Literal["disk-fill"]
    needs: ClassVar[tuple[Capability, ...]] = (Capability.DISK_FILL,)
    directory: str = Field(default="/tmp", pattern=r"^/\S*$")
    megabytes: int = Field(ge=1, le=65536)
    keep_free_mb: int = Field(default=1024, ge=0)


class ScaleFault(_WorkloadFault):
    """Set the workload's Deployment to `replicas` (Kubernetes); reverted to the count
    it had before."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.ORCHESTRATOR,)

    kind: Literal["scale"]
    replicas: int = Field(ge=0, le=100)


class EvictFault(_WorkloadFault):
    """Evict the workload's pods through the Eviction API, so PodDisruptionBudgets
    apply (Kubernetes)."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.ORCHESTRATOR,)

    instant: ClassVar[bool] = True
    kind: Literal["evict"]


class DrainNodeFault(FaultSpecBase):
    """Cordon a node and evict the drillable pods of the workload on it (Kubernetes);
    reverted by uncordoning."""

    needs: ClassVar[tuple[Capability, ...]] = (Capability.ORCHESTRATOR,)

    kind: Literal["drain-node"]
    workload: str
    """Whose pods' node is drained (the node of its first pod, in name order)."""


class KillDatabasePrimaryFault(FaultSpecBase):
    """Kill the container of the database primary, as Patroni names it right now."""

    acts_on: ClassVar[ActsOn] = "database primary"
    needs: ClassVar[tuple[Capability, ...]] = (
        Capability.DATABASE_PRIMARY,
        Capability.PROCESS_LIFECYCLE,
    )

    kind: Literal["kill-database-primary"]


MAX_LOCK_S = 300.0
LockMode = Literal["access exclusive", "exclusive", "share row exclusive", "share"]


class DatabaseLockFault(FaultSpecBase):
    """A session holds a lock on one table of the target's database (through its
    `data_probe` connection), as a migration or a forgotten transaction does: every
    query that needs the table waits for it, holding its connection. Needs `hold`
    (what waits completes only when the lock goes, at most five minutes); should
    pagerdrill freeze, the database ends the session itself a minute later."""

    acts_on: ClassVar[ActsOn] = "database"

    kind: Literal["database-lock"]
    table: str = Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    mode: LockMode = "access exclusive"
    """PostgreSQL's table lock mode: access exclusive blocks reads too; the others
    block writes (and, share row exclusive and exclusive, each other)."""
    hold: Seconds = Field(le=MAX_LOCK_S)


class AppErrorRateFault(FaultSpecBase):
    """The app answers a share of a route's requests with HTTP 500 (fault hooks)."""

    acts_on: ClassVar[ActsOn] = "app hooks"

    kind: Literal["app-error-rate"]
    route: str = "*"
    ratio: float = Field(gt=0, le=1)


class AppLatencyFault(FaultSpecBase):
    """The app delays a route's answers (fault hooks)."""

    acts_on: ClassVar[ActsOn] = "app hooks"

    kind: Literal["app-latency"]
    route: str = "*"
    delay: Seconds


class AppCpuBurnFault(FaultSpecBase):
    """The app burns CPU in its own process (fault hooks): `threads` busy threads, a
    runaway computation as the app's process CPU shows it.
    (cpu-stress runs a process beside the app: the container's CPU, not the app's.)"""

    acts_on: ClassVar[ActsOn] = "app hooks"

    kind: Literal["app-cpu-burn"]
    threads: int = Field(default=1, ge=1, le=4)


class AppConnectionLeakFault(FaultSpecBase):
    """The app checks `connections` out of its database pool and never gives them back
    (fault hooks): a connection leak as the pool's metrics show it; the rest of the
    pool keeps serving."""

    acts_on: ClassVar[ActsOn] = "app hooks"

    kind: Literal["app-connection-leak"]
    connections: int = Field(ge=1, le=10)


class PluginFailureFault(FaultSpecBase):
    """Plugins report unhealthy and their operations fail (fault hooks)."""

    acts_on: ClassVar[ActsOn] = "app hooks"

    kind: Literal["plugin-failure"]
    plugins: list[str] = Field(min_length=1)


class ReadinessFailureFault(FaultSpecBase):
    """The app's readiness check fails while its liveness check passes (fault hooks)."""

    acts_on: ClassVar[ActsOn] = "app hooks"

    kind: Literal["readiness-failure"]


class LivenessFailureFault(FaultSpecBase):
    """The app's liveness check fails while it still serves (fault hooks): only a
    health-based restart brings it back."""

    acts_on: ClassVar[ActsOn] = "app hooks"

    kind: Literal["liveness-failure"]


class DeploymentFailureFault(FaultSpecBase):
    """Service deployments roll out and fail (fault hooks)."""

    acts_on: ClassVar[ActsOn] = "app hooks"

    kind: Literal["deployment-failure"]


class CacheFlushFault(FaultSpecBase):
    """Empty the app's catalog cache once (nothing to revert: it refills)."""

    acts_on: ClassVar[ActsOn] = "app hooks"

    instant: ClassVar[bool] = True
    kind: Literal["cache-flush"]


class BruteForceFault(FaultSpecBase):
    """Failed sign-ins from one client, bounded in count and time (nothing to revert:
    the platform's block expires by itself)."""

    acts_on: ClassVar[ActsOn] = "app"

    kind: Literal["brute-force"]
    attempts: int = Field(default=10, ge=1, le=200)
    username: str = "admin"
    path: str = Field(default="/login", pattern=r"^/")
    """The sign-in form's path; it is posted `username` and `password` fields."""
    client: str | None = None
    """The address the attack appears from (sent as X-Forwarded-For), for apps behind
    a proxy that trusts it; otherwise the attack comes from pagerdrill's own address."""
    within: Seconds = 30.0
    guess: bool = False
    """The last attempt signs in as the target's user with the right password: a
    password guessed after failures, which the platform should flag (the failures
    before it are made as that user too)."""


class HostileRequest(Frozen):
    """One request of hostile traffic (no credentials of the target are ever sent)."""

    method: Literal["GET", "POST", "PUT", "DELETE"] = "GET"
    path: str = Field(pattern=r"^/")
    headers: dict[str, str] = Field(default_factory=dict)
    body: dict[str, Any] | None = None
    """Sent as JSON."""


MAX_HOSTILE_REQUESTS = 3000


class HostileTrafficFault(FaultSpecBase):
    """Hostile requests from one client: each of `requests` sent `rate` times a second
    for `duration` (calls without a session, a wrong admin token, a blocked client
    retrying its sign-in). Bounded: at most 20 a second per request, two minutes and
    3000 requests in all; to the target's app address only. Stopped when `duration`
    ends or the fault is reverted; nothing else to revert."""

    acts_on: ClassVar[ActsOn] = "app"

    kind: Literal["hostile-traffic"]
    requests: list[HostileRequest] = Field(min_length=1, max_length=10)
    rate: float = Field(default=5.0, gt=0, le=20)
    duration: Seconds = Field(default=30.0, gt=0, le=120)
    client: str | None = None
    """The address the traffic appears from (X-Forwarded-For), as for brute-force."""

    @model_validator(mode="after")
    def _bounded(self) -> HostileTrafficFault:
        total = self.total_requests()
        if total > MAX_HOSTILE_REQUESTS:
            raise ValueError(
                f"{len(self.requests)} requests x {self.rate:g}/s x {self.duration:g} s = "
                f"{total} requests, above the bound of {MAX_HOSTILE_REQUESTS}"
            )
        return self

    def total_requests(self) -> int:
        return len(self.requests) * math.ceil(self.rate * self.duration)

    def ends_after(self, load: LoadSpec | None) -> float | None:
        return min(self.duration, self.hold or self.duration)


class TrafficSurgeFault(FaultSpecBase):
    """The drill's load spike is the fault: injected when the load first reaches its
    peak users, over when the spike ends (nothing else to revert)."""

    kind: Literal["traffic-surge"]
    acts_on: ClassVar[ActsOn] = "load"

    def ends_after(self, load: LoadSpec | None) -> float | None:
        shape = None if load is None else load.shape
        spike = shape.hold if isinstance(shape, SpikeShape) else None
        return min((s for s in (spike, self.hold) if s is not None), default=None)


FaultKinds = (
    CrashProcessFault
    | KillFault
    | StopFault
    | SignalProcessFault
    | PauseFault
    | NetworkPartitionFault
    | NetworkLatencyFault
    | NetworkLossFault
    | CpuStressFault
    | MemoryStressFault
    | DiskFillFault
    | ScaleFault
    | EvictFault
    | DrainNodeFault
    | KillDatabasePrimaryFault
    | DatabaseLockFault
    | AppErrorRateFault
    | AppLatencyFault
    | AppCpuBurnFault
    | AppConnectionLeakFault
    | PluginFailureFault
    | ReadinessFailureFault
    | LivenessFailureFault
    | DeploymentFailureFault
    | CacheFlushFault
    | BruteForceFault
    | HostileTrafficFault
    | TrafficSurgeFault
)
SingleFaultSpec = Annotated[FaultKinds, Field(discriminator="kind")]

MAX_STEPS = 4


class FaultStep(Frozen):
    after: Offset = 0.0
    """Seconds after the compound's first fault; the first step's is 0."""
    fault: SingleFaultSpec


class CompoundFault(FaultSpecBase):
    """Several faults at once: each step's fault is injected `after` seconds after the
    first one and all stay in place together (reverted in reverse order). Deadlines
    count from the first fault. A P2 latency problem and then an outage of the same
    service, to prove that inhibition keeps the P0 page and silences the symptoms."""

    acts_on: ClassVar[ActsOn] = "several"

    kind: Literal["compound"]
    steps: list[FaultStep] = Field(min_length=2, max_length=MAX_STEPS)

    @model_validator(mode="after")
    def _ordered(self) -> CompoundFault:
        afters = [step.after for step in self.steps]
        if afters[0] != 0 or afters != sorted(afters):
            raise ValueError("steps start at after: 0 and follow in order of `after`")
        if any(step.fault.acts_on == "load" for step in self.steps):
            raise ValueError("a traffic surge cannot be a step (it is the load's own spike)")
        return self

    def target_text(self) -> str:
        return "; ".join(step.fault.target_text() for step in self.steps)

    def parts(self) -> tuple[FaultSpecBase, ...]:
        return tuple(step.fault for step in self.steps)


FaultSpec = Annotated[FaultKinds | CompoundFault, Field(discriminator="kind")]
