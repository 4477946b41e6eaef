"""The sandbox on the Kubernetes cluster: the same image, app, monitoring rules,
Alertmanager routes, sink and SMS relay as on Docker, as Deployments and Services
(rendered from manifests/sandbox.yaml.j2); restarts, scaling and health restarts
are Kubernetes' own (kubelet, ReplicaSets, HPA on metrics-server's CPU)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

from sandbox.common import ALERTMANAGER as SHARED_ALERTMANAGER
from sandbox.common import IMAGE, MAILPIT, SEED_USER, SOURCE_DIR, Secrets, automation_env
from sandbox.kubernetes.cluster import kubectl
from sandbox.kubernetes.images import pinned
from sandbox.kubernetes.layout import Layout
from sandbox.kubernetes.processes import ClusterError
from sandbox.kubernetes.variants import KUBERNETES_VARIANTS
from sandbox.monitoring_config import SANDBOX_PROFILE, MonitoringConfig, render_text
from sandbox.prometheus_ready import PrometheusNotReady, await_rules_evaluated, await_targets_up

NAMESPACE = "pagerdrill-sandbox"
HERE = Path(__file__).parent
STATE_DIR = Path("/var/tmp/pagerdrill/sandbox-kubernetes")


@dataclass(frozen=True)
class ServicePorts:
    ip: str
    ports: tuple[int, ...]
    node_ports: dict[int, int] = field(default_factory=dict)
    """Every port of a NodePort Service has its node port fixed here: one left to the
    API server is allocated at random from the whole range and can take a port
    another Service names (mailpit's SMTP once drew 30093, Alertmanager's)."""
    selector: dict[str, str] = field(default_factory=dict)
    """Pod labels beyond `app: <name>` (the database's primary only)."""
    app: str | None = None
    """The pods' `app` label when not the Service's name."""
    direct: bool = False
    """One pod, ready or not (publishNotReadyAddresses, ClientIP affinity): the fault
    hooks' control channel, as the Docker sandbox's `admin_url` is one replica past
    the proxy. A hook that makes the app unready takes it out of `idp`'s endpoints;
    through this Service it can still be reverted."""

    def __post_init__(self) -> None:
        if self.node_ports and set(self.node_ports) != set(self.ports):
            raise ValueError(f"node ports {self.node_ports} must name every port of {self.ports}")


SERVICES = {
    # the primary only: Patroni labels its pods role=primary|replica
    "postgres": ServicePorts(
        "10.96.100.10", (5432, 8008), {5432: 30432, 8008: 30008}, {"role": "primary"}
    ),
    "redis": ServicePorts("10.96.100.11", (6379,)),
    "sink": ServicePorts("10.96.100.12", (8080,), {8080: 30095}),
    "mailpit": ServicePorts("10.96.100.18", (1025, 8025), {1025: 30026, 8025: 30025}),
    "sms-relay": ServicePorts("10.96.100.13", (8080,)),
    "incident-automation": ServicePorts("10.96.100.19", (8080,)),
    "alertmanager": ServicePorts("10.96.100.14", (9093,), {9093: 30093}),
    "pushgateway": ServicePorts("10.96.100.15", (9091,), {9091: 30091}),
    "prometheus": ServicePorts("10.96.100.16", (9090,), {9090: 30090}),
    "idp": ServicePorts("10.96.100.17", (8000,), {8000: 30080}),
    "idp-admin": ServicePorts("10.96.100.20", (8000,), {8000: 30081}, app="idp", direct=True),
}


def _http_probe(path: str, period: int, failures: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": 8000},
        "periodSeconds": period,
        "failureThreshold": failures,
        "timeoutSeconds": 1,
    }


@dataclass(frozen=True)
class App:
    """One Deployment (or StatefulSet) of the sandbox (its Service is in SERVICES under
    the same name)."""

    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    secret_env: dict[str, str] = field(default_factory=dict)
    """Variable -> key of the sandbox-secrets Secret."""
    field_env: dict[str, str] = field(default_factory=dict)
    """Variable -> the pod's own field (metadata.name, status.podIP ...)."""
    labels: dict[str, str] = field(default_factory=dict)
    """Pod labels beyond `app: <name>`."""
    kind: str = "Deployment"
    replicas: int = 1
    resources: dict[str, Any] | None = None
    readiness: dict[str, Any] | None = None
    liveness: dict[str, Any] | None = None
    drillable: bool = False
    priority: str | None = None
    """The contract's priority of a complete outage of this Deployment (its label
    `priority`, which kube-state-metrics exports): KubeDeploymentDown pages for the
    P0 ones, unless the service's own P0 already does."""
    scrape: str | None = None
    """The port Prometheus scrapes (pod annotation pagerdrill.io/scrape)."""
    job: str | None = None
    """Prometheus' job label when not the app's name (pod annotation pagerdrill.io/job)."""
    service_account: str | None = None
    strategy: dict[str, Any] = field(default_factory=lambda: {"type": "Recreate"})
    grace: int = 5
    drain_seconds: int = 0
    """A preStop sleep: a pod being deleted keeps serving while discovery and the
    Service's endpoints drop it (a scale-in must not fail a scrape, which pages)."""
    scratch: str = "/scratch"
    sidecar: Sidecar | None = None


@dataclass(frozen=True)
class Sidecar:
    name: str
    command: list[str]


IDP_COMMAND = [
    "uvicorn", "sandbox.idp.app:app", "--host", "0.0.0.0", "--port", "8000", "--no-access-log",
]  # fmt: skip
ALERTMANAGER = [*SHARED_ALERTMANAGER, "--storage.path=/scratch"]
PROMETHEUS = [
    "prometheus", "--config.file=/etc/pagerdrill/prometheus.yml", "--storage.tsdb.path=/scratch",
    "--web.listen-address=:9090", "--web.enable-lifecycle", "--web.enable-admin-api",
    "--rules.alert.resend-delay=1s",
]  # fmt: skip


PATRONI_PASSWORDS = (
    "IDP_DB_PASSWORD", "PATRONI_SUPERUSER_PASSWORD", "PATRONI_REPLICATION_PASSWORD",
    "PATRONI_REWIND_PASSWORD",
)  # fmt: skip
"""The app's role (created at bootstrap) and Patroni's users share one password."""
PATRONI_SCOPE = "idp-postgres"
"""sandbox/database/patroni.yml's scope."""


def apps(database_url: str) -> dict[str, App]:
    return {
        # Patroni with the Kubernetes API as its DCS: two members, synchronous
        # replication, the leader lock in a ConfigMap, pods labelled by role
        "postgres": App(
            ["python", "-m", "sandbox.kubernetes.patroni"],
            secret_env=dict.fromkeys(PATRONI_PASSWORDS, "database-password"),
            field_env={
                "PATRONI_NAME": "metadata.name",
                "PATRONI_KUBERNETES_NAMESPACE": "metadata.namespace",
                "PATRONI_KUBERNETES_POD_IP": "status.podIP",
            },
            env={
                "PATRONI_RESTAPI_CONNECT_ADDRESS": "$(PATRONI_KUBERNETES_POD_IP):8008",
                "PATRONI_POSTGRESQL_CONNECT_ADDRESS": "$(PATRONI_KUBERNETES_POD_IP):5432",
            },
            # Patroni finds its members by its labels plus cluster-name=<scope>
            labels={"cluster-name": PATRONI_SCOPE},
            kind="StatefulSet",
            replicas=2,
            readiness={
                "httpGet": {"path": "/readiness", "port": 8008},
                "periodSeconds": 2,
                "failureThreshold": 2,
                "timeoutSeconds": 1,
            },
            drillable=True,
            scrape="8008",
            job="patroni",
            service_account="patroni",
            scratch="/var/lib/postgresql",
            grace=10,
        ),
        "redis": App(
            ["redis-server", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            drillable=True,
        ),
        "sink": App(["python", "-m", "sandbox.sink"], secret_env={"SINK_TOKEN": "sink-token"}),
        "mailpit": App(MAILPIT),
        "sms-relay": App(
            ["python", "-m", "sandbox.sms_relay"],
            env={
                "SMS_API_URL": "http://sink:8080/sms",  # the sink plays the SMS provider
                "SMS_ACCOUNT": "AC-sandbox",
                "SMS_FROM": "+15550100",
                "SMS_TO": "+15550199",
            },
            secret_env={"SMS_TOKEN": "sms-token"},
        ),
        "incident-automation": App(
            ["python", "-m", "sandbox.incident_automation"],
            env={k: v for k, v in automation_env("").items() if not k.endswith("_TOKEN")},
            secret_env={"SLACK_TOKEN": "sink-token", "STATUSPAGE_TOKEN": "sink-token"},
        ),
        "alertmanager": App(ALERTMANAGER, scrape="9093"),
        "pushgateway": App(["prometheus-pushgateway", "--web.listen-address=:9091"]),
        "prometheus": App(
            PROMETHEUS,
            service_account="prometheus",
            sidecar=Sidecar("discovery", ["python", "-m", "sandbox.kubernetes.discovery"]),
        ),
        "idp": App(
            # tini as PID 1: a crashed app ends the container, and kubelet restarts it
            ["tini", "--", *IDP_COMMAND],
            env={
                "IDP_DATABASE_URL": database_url,
                "IDP_REDIS_URL": "redis://redis:6379/0",
                # as behind the Docker sandbox's proxy (an ingress controller's job on a
                # real cluster): the NodePort is on the node's own bridge only
                "IDP_TRUST_FORWARDED": "1",
            },
            secret_env={
                "IDP_DB_PASSWORD": "database-password",
                "IDP_SEED_USERS": "seed-users",
                "IDP_ADMIN_TOKEN": "admin-token",
            },
            resources={
                # the HPA's target is half of it: base traffic must sit well below
                # that to scale back in (at 200m two users kept two replicas)
                "requests": {"cpu": "400m", "memory": "128Mi"},
                # above one core: IDPResourceExhaustion (> 95 % of a CPU) held at
                # a limit of exactly 1 flapped between pending and firing
                "limits": {"cpu": "1500m", "memory": "512Mi"},
            },
            readiness=_http_probe("/readyz", 1, 2),
            liveness={**_http_probe("/healthz", 2, 3), "initialDelaySeconds": 5},
            drillable=True,
            priority="P0",
            # Prometheus applies discovery changes at most every 5 s: a pod going
            # away must keep answering scrapes longer than that
            drain_seconds=8,
            grace=15,
            scrape="8000",
            strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}},
        ),
    }


def render(state: Secrets) -> str:
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False
    )
    template = environment.from_string((HERE / "manifests" / "sandbox.yaml.j2").read_text())
    return template.render(
        namespace=NAMESPACE,
        image=pinned(IMAGE),
        source_dir=str(SOURCE_DIR),
        seed_user=SEED_USER,
        services=SERVICES,
        apps=apps("postgresql://idp:$(IDP_DB_PASSWORD)@postgres:5432/idp?connect_timeout=2"),
        hpa={"min": 1, "max": 4, "cpu_percent": 50},
        secrets={
            "database_password": state.secret("database-password"),
            "seed_password": state.secret("idp-password"),
            "admin_token": state.secret("admin-token"),
            "sms_token": state.secret("sms-token"),
            "sink_token": state.secret("sink-token"),
        },
    )


def monitoring_configmap(config: MonitoringConfig) -> str:
    """The shared rules and Alertmanager config, with Kubernetes discovery."""
    prometheus = render_text(HERE / "monitoring" / "prometheus.yml.j2", SANDBOX_PROFILE)
    data = {
        "prometheus.yml": prometheus,
        "alertmanager.yml": yaml.safe_dump(config.alertmanager, sort_keys=False),
    }
    for name, rules in config.rule_files.items():
        data[f"rules-{name}"] = yaml.safe_dump(rules, sort_keys=False)
    kubernetes_rules = HERE / "monitoring" / "rules-kubernetes.yml.j2"
    data["rules-kubernetes.yml"] = render_text(kubernetes_rules, SANDBOX_PROFILE)
    return yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "monitoring", "namespace": NAMESPACE},
                           "data": data})  # fmt: skip


def apply(layout: Layout, variant_name: str = "healthy") -> None:
    """The sandbox's objects as `variant_name` has them; objects the variant replaces
    (the app's Deployment by a bare Pod, and back) are deleted first."""
    variant = KUBERNETES_VARIANTS[variant_name]
    objects = variant.objects(list(yaml.safe_load_all(render(Secrets(STATE_DIR / "secrets")))))
    config = MonitoringConfig.load()
    variant.monitoring(config)
    wanted = {(o["kind"], o["metadata"]["name"]) for o in objects}
    for kind in ("Deployment", "Pod", "HorizontalPodAutoscaler"):
        if (kind, "idp") not in wanted:
            kubectl(layout, "delete", kind.lower(), "idp", "-n", NAMESPACE, "--ignore-not-found")
    documents = [yaml.safe_dump(o) for o in objects] + [monitoring_configmap(config)]
    kubectl(layout, "apply", "-f", "-", stdin="---\n".join(documents))
    if current_variant() != variant_name:  # their config changed: start them afresh
        kubectl(layout, "rollout", "restart", "deployment/prometheus", "deployment/alertmanager",
                "-n", NAMESPACE)  # fmt: skip
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    (STATE_DIR / "variant").write_text(variant_name)


def current_variant() -> str:
    path = STATE_DIR / "variant"
    return path.read_text().strip() if path.exists() else "healthy"


def switch(layout: Layout, variant_name: str = "healthy") -> None:
    """The sandbox as `variant_name` has it, ready: its objects applied, every workload
    ready, and Patroni's automatic failover on or paused."""
    was_paused = KUBERNETES_VARIANTS[current_variant()].failover_paused
    paused = KUBERNETES_VARIANTS[variant_name].failover_paused
    apply(layout, variant_name)
    if was_paused and not paused:  # a primary killed while paused has no successor yet
        set_failover(layout, paused=False)
    await_ready(layout)
    await_scraped(layout)
    if paused:
        set_failover(layout, paused=True)


def set_failover(layout: Layout, *, paused: bool) -> None:
    """Patroni's maintenance mode (cluster-wide, through any member's REST API, from
    inside its pod: the API listens on the pod network only)."""
    body = json.dumps({"pause": paused})
    problems = []
    for pod in ("postgres-0", "postgres-1"):
        try:
            kubectl(layout, "exec", pod, "-n", NAMESPACE, "-c", "postgres", "--",
                    "curl", "-fsS", "-m", "5", "-X", "PATCH", "-d", body,
                    "http://127.0.0.1:8008/config")  # fmt: skip
        except ClusterError as exc:
            problems.append(f"{pod}: {exc}")
        else:
            return
    raise ClusterError(f"cannot set Patroni pause={paused}: {'; '.join(problems)}")


def await_ready(layout: Layout, timeout: float = 180.0) -> None:
    """Every Deployment and StatefulSet rolled out and ready, every bare Pod ready, and
    no pod terminating (a variant's replaced pods gone)."""
    deadline, last = time.monotonic() + timeout, "nothing listed yet"
    while time.monotonic() < deadline:
        listing = json.loads(
            kubectl(layout, "get", "deployments,statefulsets,pods", "-n", NAMESPACE, "-o", "json")
        )
        waiting = [w for w in map(_not_ready, listing["items"]) if w is not None]
        if listing["items"] and not waiting:
            return
        last = "; ".join(waiting)
        time.sleep(1)
    raise ClusterError(f"the sandbox is not ready within {timeout:g} s: {last}")


def await_scraped(layout: Layout, timeout: float = 60.0) -> None:
    """Prometheus scrapes the app and every other pod it discovered, and has evaluated
    its rules since. A Prometheus a variant just restarted has no `up` of the app yet:
    a drill started then would find its alert's inputs quiet for lack of samples, and
    an outage would raise nothing (app-crash on wrong-priority, seen once)."""
    api = f"http://{layout.node_ip}:{SERVICES['prometheus'].node_ports[9090]}/api/v1"
    try:
        await_targets_up(api, timeout, job="idp")
        await_rules_evaluated(api, after=time.time(), timeout=timeout)
    except PrometheusNotReady as exc:
        raise ClusterError(str(exc)) from None


def _not_ready(item: dict[str, Any]) -> str | None:
    name, status = item["metadata"]["name"], item.get("status", {})
    if item["kind"] == "Pod" and item["metadata"].get("deletionTimestamp"):
        # the admin Service publishes not-ready addresses, terminating ones too, and
        # keeps a client on one pod: a hooks call could reach a pod going away
        return f"pod {name}: terminating"
    if item["kind"] in ("Deployment", "StatefulSet"):
        wanted = item["spec"]["replicas"]
        current = (
            status.get("observedGeneration") == item["metadata"]["generation"]
            and status.get("updatedReplicas", 0) == wanted
            and status.get("readyReplicas", 0) == wanted
            and status.get("replicas", 0) == wanted
        )
        counts = f"{status.get('readyReplicas', 0)}/{wanted}"
        return None if current else f"{item['kind'].lower()} {name}: {counts}"
    if item["metadata"].get("ownerReferences"):
        return None  # pods of a Deployment or StatefulSet: counted above
    ready = any(
        c["type"] == "Ready" and c["status"] == "True" for c in status.get("conditions", [])
    )
    return None if ready else f"pod {name}: {status.get('phase')}"
