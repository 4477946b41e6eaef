"""The target: which platform a drill runs against, and where its parts answer.

Loaded from a YAML file (`targets/sandbox.yaml` is the embedded default)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, IPvAnyAddress, SecretStr, field_validator, model_validator

from harness.receivers import ReceiverReader, StatusPageReader, WarRoomReader
from harness.types import Frozen, Priority, SecretSource, http_url


class Credentials(Frozen):
    """A login. The password comes from exactly one of: the environment, a file, inline."""

    username: str
    password_env: str | None = None
    password_file: Path | None = None
    password: SecretStr | None = None

    @model_validator(mode="after")
    def _one_password_source(self) -> Credentials:
        given = [n for n in ("password_env", "password_file", "password") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError("give exactly one of password_env, password_file, password")
        return self


class AppConfig(Frozen):
    base_url: str
    credentials: Credentials
    admin_token: SecretSource | None = None
    """The app's fault hooks (error rate, latency, plugin failure ...): the sandbox's
    reference IDP has them; a real platform usually has not, and then app faults
    are refused before anything is touched."""
    admin_url: str | None = None
    """Where the fault hooks answer, if not at `base_url`: one instance directly, so
    that a hook taking it out of the load balancer's rotation can still be reverted."""
    journey_pack: Path | None = None
    """Paths and selectors of the journeys on this platform (default: the sandbox's)."""

    _url = field_validator("base_url")(http_url)

    @field_validator("admin_url")
    @classmethod
    def _admin_url(cls, value: str | None) -> str | None:
        return None if value is None else http_url(value)

    @property
    def hooks_url(self) -> str:
        """The instance the fault hooks are set on (and asked about)."""
        return self.admin_url or self.base_url


class Endpoint(Frozen):
    url: str

    _url = field_validator("url")(http_url)


class SinkEndpoint(Endpoint):
    token: SecretSource | None = None
    """Its read token (`pagerdrill sink` with SINK_TOKEN)."""
    uncaptured: list[str] = Field(default_factory=list)
    """Receivers that do not send to the capture (an automation's webhook): proven
    `delivered` at most, unless a reader under `receivers` reads them."""


class AlertmanagerEndpoint(Endpoint):
    receiver_metrics: bool = True
    """Its notification metrics carry `receiver_name` (Alertmanager >= 0.27 started with
    `--enable-feature=receiver-name-in-metrics`), so a receiver's delivery can be
    shown. False for older ones: a receiver without a reader is then proven routed."""


class DockerWorkload(Frozen):
    container: str
    """The container faults act on (for a scaled workload: its first replica)."""
    replicas: dict[str, str] = Field(default_factory=dict)
    """Labels every replica carries, for scale checks (default: just `container`)."""


class Allowlist(Frozen):
    """Blast-radius guard: a container is touched only if it matches every rule given
    (and carries the drillable label)."""

    container_names: list[str] = Field(default_factory=list)
    """Glob patterns (`pagerdrill-sandbox-*`); empty: any name."""
    labels: dict[str, str] = Field(default_factory=dict)
    """Labels the container must carry, with these values."""


class PatroniDatabase(Frozen):
    """A PostgreSQL cluster under Patroni: its leader is looked up, never assumed."""

    kind: Literal["patroni"]
    api: list[str] = Field(min_length=1)
    """Patroni REST API URLs of the members (any answering one is enough)."""
    members: dict[str, str] = Field(default_factory=dict)
    """Patroni member name -> workload; a member not listed is the workload of that name."""

    @field_validator("api")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        return [http_url(v) for v in value]


class DockerPlatform(Frozen):
    kind: Literal["docker"]
    drillable_label: str = "pagerdrill.drillable"
    allow: Allowlist = Allowlist()
    max_targets: int = Field(default=1, ge=1)
    """The most containers one fault may touch."""
    workloads: dict[str, DockerWorkload] = Field(min_length=1)
    database: PatroniDatabase | None = None


class KubernetesWorkload(Frozen):
    """Pods found by label selector; faults act on `mode` of them (one, a fixed
    count, a percentage, or all), never more than the platform's max_targets."""

    selector: str = Field(min_length=1)
    """A label selector (`app=idp,tier=web`)."""
    deployment: str | None = None
    """Its Deployment, for scale faults and for "running again" after a pod is killed."""
    container: str | None = None
    """The container for exec-based faults (default: the pod's first)."""
    mode: Literal["one", "fixed", "percent", "all"] = "one"
    value: int = Field(default=1, ge=1)
    """The count for `fixed`, the percentage for `percent`."""


class CloudNativePgDatabase(Frozen):
    """A CloudNativePG cluster: the primary is its `status.currentPrimary`."""

    kind: Literal["cloudnativepg"]
    cluster: str
    workload: str
    """The workload (in `workloads`) whose selector matches the cluster's pods."""


class PatroniLabelDatabase(Frozen):
    """Patroni on Kubernetes: the primary is the pod whose role label says so."""

    kind: Literal["patroni-labels"]
    workload: str
    role_label: str = "role"
    primary_values: list[str] = Field(default_factory=lambda: ["primary", "master"])


class KubernetesPlatform(Frozen):
    kind: Literal["kubernetes"]
    kubeconfig: Path | None = None
    """Default: $KUBECONFIG or ~/.kube/config."""
    context: str
    allowed_contexts: list[str] = Field(min_length=1)
    """pagerdrill refuses any context not listed here, before any call."""
    namespace: str
    allowed_namespaces: list[str] = Field(min_length=1)
    drillable_label: str = "pagerdrill.io/drillable"
    chaos_mesh: bool = False
    """The cluster has Chaos Mesh: network and stress faults become its resources."""
    node_access: bool = False
    """pagerdrill runs as root on the node of the drilled pods (a single-node cluster
    such as the sandbox): without Chaos Mesh, network faults enter the pods' network
    namespaces from there (nsenter, iptables)."""
    max_targets: int = Field(default=1, ge=1)
    workloads: dict[str, KubernetesWorkload] = Field(min_length=1)
    database: CloudNativePgDatabase | PatroniLabelDatabase | None = Field(
        default=None, discriminator="kind"
    )

    @model_validator(mode="after")
    def _allowed(self) -> KubernetesPlatform:
        if self.context not in self.allowed_contexts:
            raise ValueError(f"context {self.context!r} is not in allowed_contexts")
        if self.namespace not in self.allowed_namespaces:
            raise ValueError(f"namespace {self.namespace!r} is not in allowed_namespaces")
        return self


class DataProbeConfig(Frozen):
    """A PostgreSQL database reachable from pagerdrill, for failover drills: probe rows
    are written (and their commits acknowledged) before and through the fault, then
    every acknowledged row must still be there (RPO 0) and writes must work again
    within the deadline (RTO). Only `table` is touched: created if missing, rows
    of each run deleted at its end."""

    url: str = Field(pattern=r"^postgres(ql)?://")
    """Without the password; a multi-host URL with `target_session_attrs=read-write`
    follows a failover as the platform's own clients do."""
    password: SecretSource | None = None
    table: str = Field(default="pagerdrill_failover_probe", pattern=r"^[a-z_][a-z0-9_]{0,62}$")


class LoadWorkerPods(Frozen):
    """Locust workers as pods of the target's cluster (its platform's context and
    namespace): a Job of `pods` workers, the master in pagerdrill's load runner."""

    pods: int = Field(ge=1, le=16)
    image: str
    """An image with Locust (the master's major version) and Python on its PATH."""
    master_address: IPvAnyAddress
    """Where the pods reach this machine (the master binds there)."""
    cpu: str = Field(default="500m", pattern=r"^[0-9]+(m|[.][0-9]+)?$")
    """Each worker's CPU limit (and request)."""


class LoadGuard(Frozen):
    """Where generated load may go: the app's host must be listed (default: loopback);
    and where it is generated: here, or in worker pods of the cluster."""

    allowed_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost", "::1"])
    workers: LoadWorkerPods | None = None


class SloConfig(Frozen):
    """The platform's availability objective, for the error budget a drill burns."""

    availability_percent: float = Field(default=99.99, gt=0, lt=100)
    window_days: float = Field(default=30, gt=0)

    @property
    def error_budget_s(self) -> float:
        return (1 - self.availability_percent / 100) * self.window_days * 86400


class GateCriteria(Frozen):
    """What the `gate` profile requires for a release to be ready."""

    required_priorities: list[Priority] = Field(default_factory=lambda: [Priority.P0])
    max_error_budget_burned_percent: float = Field(default=5.0, ge=0)
    max_regression_percent: float = Field(default=50.0, ge=0)
    min_regression_seconds: float = Field(default=1.0, ge=0)
    baseline_runs: int = Field(default=5, ge=1)
    min_p0_rule_coverage_percent: float | None = Field(default=None, ge=0, le=100)
    """If set: at least this share of the P0 alert rules proven by a drill (history)."""


class TargetConfig(Frozen):
    """Everything pagerdrill knows about a platform."""

    name: str
    environment: str
    app: AppConfig
    prometheus: Endpoint
    alertmanager: AlertmanagerEndpoint
    pushgateway: Endpoint | None = None
    notification_sink: SinkEndpoint | None = None
    """A webhook capture (`pagerdrill sink`) that every receiver also sends to: receivers
    not listed under `receivers` are read back from it."""
    receivers: dict[str, ReceiverReader] = Field(default_factory=dict)
    """Alertmanager receiver name -> where its notifications are read back (received)."""
    war_room: WarRoomReader | None = None
    """Where the war rooms a P0 opens are read back (`expect.war_room`)."""
    status_page: StatusPageReader | None = None
    """Where the status-page incidents a P0 opens are read back (`expect.status_page`)."""
    runbooks: dict[str, str] = Field(default_factory=dict)
    """Runbook URL prefix -> where pagerdrill fetches such runbooks instead (a mirror,
    a port-forward). Others are fetched at their own URL."""
    platform: DockerPlatform | KubernetesPlatform = Field(discriminator="kind")
    contract: Path | None = None
    """The priority contract (relative to this file): who each priority notifies, its
    detection deadline, its alerts. Drills then name only alert and priority."""
    load: LoadGuard = LoadGuard()
    slo: SloConfig = SloConfig()
    gate: GateCriteria = GateCriteria()
    data_probe: DataProbeConfig | None = None
    """Where failover drills prove that no acknowledged write is lost."""

    @model_validator(mode="after")
    def _workers_on_kubernetes(self) -> TargetConfig:
        if self.load.workers is not None and not isinstance(self.platform, KubernetesPlatform):
            raise ValueError("load.workers runs pods: it needs platform.kind kubernetes")
        return self
