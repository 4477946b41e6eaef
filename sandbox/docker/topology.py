"""What the sandbox is made of: its services, ports, labels and state folder.

Host ports are fixed (published on 127.0.0.1 only) so that a restarted container
keeps its address and `targets/sandbox.yaml` can name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sandbox.common import ALERTMANAGER, MAILPIT, SEED_USER, automation_env

SANDBOX_LABEL = "pagerdrill.sandbox"
SERVICE_LABEL = "pagerdrill.service"
DRILLABLE_LABEL = "pagerdrill.drillable"
NETWORK_NAME = "pagerdrill-sandbox"
CONTAINER_PREFIX = "pagerdrill-sandbox-"
DEFAULT_STATE_DIR = Path("/var/tmp/pagerdrill/sandbox")


@dataclass(frozen=True)
class Service:
    """One container. `ports` maps container ports to host ports (127.0.0.1); the first
    is the service's own, `health_port` the one answering `health_path` over HTTP."""

    name: str
    command: list[str]
    ports: dict[int, int]
    health_path: str | None = "/healthz"
    """None: not HTTP; ready when its log says `ready_log`, healthy when its port accepts."""
    ready_log: str | None = None
    health_port: int | None = None
    env: dict[str, str] = field(default_factory=dict)
    tmpfs: tuple[str, ...] = ()
    restart_on_failure: bool = False
    drillable: bool = False
    aliases: tuple[str, ...] = ()
    """More names on the sandbox network, beside the service's own."""
    docker_socket: bool = False
    """Mount the engine's socket (the controller scales the app through it)."""
    liveness_path: str | None = None
    """Docker probes it from inside the container every second (the controller
    restarts the service after repeated failures)."""

    @property
    def container_name(self) -> str:
        return CONTAINER_PREFIX + self.name

    @property
    def port(self) -> int:
        return next(iter(self.ports))

    @property
    def host_url(self) -> str:
        return f"http://127.0.0.1:{self.ports[self.port]}"

    @property
    def health_url(self) -> str | None:
        if self.health_path is None:
            return None
        return f"http://127.0.0.1:{self.ports[self.health_port or self.port]}{self.health_path}"


def _patroni_node(index: int, database_password: str) -> Service:
    name = f"postgres-{index}"
    return Service(
        name,
        ["/opt/pagerdrill/sandbox/services/patroni.sh"],
        {5432: 15432 + index, 8008: 18008 + index},
        health_path="/health",
        health_port=8008,
        env={
            "PATRONI_NAME": name,
            "PATRONI_RESTAPI_CONNECT_ADDRESS": f"{name}:8008",
            "PATRONI_POSTGRESQL_CONNECT_ADDRESS": f"{name}:5432",
            "PATRONI_SUPERUSER_PASSWORD": database_password,
            "PATRONI_REPLICATION_PASSWORD": database_password,
            "PATRONI_REWIND_PASSWORD": database_password,
            "IDP_DB_PASSWORD": database_password,
        },
        restart_on_failure=True,
        drillable=True,
    )


def services(
    database_password: str, seed_password: str, admin_token: str, sms_token: str, sink_token: str
) -> list[Service]:
    """The services in start order (dependencies first)."""
    database_url = (
        f"postgresql://idp:{database_password}@{','.join(f'postgres-{i}:5432' for i in (0, 1))}"
        "/idp?target_session_attrs=read-write&connect_timeout=2"
    )
    return [
        Service(
            "etcd",
            ["/opt/pagerdrill/sandbox/services/etcd.sh"],
            {2379: 12379},
            health_path="/health",
            restart_on_failure=True,
        ),
        _patroni_node(0, database_password),
        _patroni_node(1, database_password),
        Service(
            "redis",
            ["redis-server", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            {6379: 16379},
            health_path=None,
            ready_log="Ready to accept connections",
            restart_on_failure=True,
            drillable=True,
        ),
        # plays PagerDuty (with its escalation policies), Slack and the SMS provider;
        # reads need its token
        Service(
            "sink",
            ["python", "-m", "sandbox.sink", "--escalation", "/etc/pagerdrill/escalation.yml"],
            {8080: 19095},
            env={"SINK_TOKEN": sink_token},
        ),
        Service("mailpit", MAILPIT, {8025: 19025, 1025: 19026}, health_path="/livez"),
        Service(
            "sms-relay",
            ["python", "-m", "sandbox.sms_relay"],
            {8080: 19096},
            env={
                # the sink plays the SMS provider
                "SMS_API_URL": "http://sink:8080/sms",
                "SMS_ACCOUNT": "AC-sandbox",
                "SMS_TOKEN": sms_token,
                "SMS_FROM": "+15550100",
                "SMS_TO": "+15550199",
            },
            restart_on_failure=True,
        ),
        Service(
            "incident-automation",
            ["python", "-m", "sandbox.incident_automation"],
            {8080: 19097},
            env=automation_env(sink_token),
            restart_on_failure=True,
        ),
        Service(
            "alertmanager",
            [*ALERTMANAGER, "--storage.path=/alertmanager"],
            {9093: 19093},
            health_path="/-/ready",
            tmpfs=("/alertmanager",),
        ),
        Service(
            "pushgateway",
            ["prometheus-pushgateway", "--web.listen-address=:9091"],
            {9091: 19091},
            health_path="/-/ready",
        ),
        Service(
            "prometheus",
            [
                "prometheus",
                "--config.file=/etc/pagerdrill/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--web.listen-address=:9090",
                "--web.enable-lifecycle",
                "--web.enable-admin-api",
                "--rules.alert.resend-delay=1s",
            ],
            {9090: 19090},
            health_path="/-/ready",
            tmpfs=("/prometheus",),
        ),
        Service(
            "idp",
            [
                "uvicorn",
                "sandbox.idp.app:app",
                "--host",
                "0.0.0.0",
                "--port",
                "8000",
                "--no-access-log",
            ],
            {8000: 18081},
            health_path="/readyz",
            env={
                "IDP_DATABASE_URL": database_url,
                "IDP_SEED_USERS": f"{SEED_USER}:{seed_password}",
                "IDP_ADMIN_TOKEN": admin_token,
                "IDP_REDIS_URL": "redis://redis:6379/0",
                # the sandbox publishes the app on loopback only; its proxy sets this header
                "IDP_TRUST_FORWARDED": "1",
            },
            restart_on_failure=True,
            drillable=True,
            liveness_path="/healthz",
            # `idp` is every replica (the proxy's backend); `idp-0` is this first one
            aliases=("idp-0",),
        ),
        Service(
            "proxy",
            ["haproxy", "-W", "-db", "-f", "/opt/pagerdrill/sandbox/docker/proxy/haproxy.cfg"],
            {8080: 18080},
            health_path="/haproxy-health",
            restart_on_failure=True,
        ),
        Service(
            "controller",
            ["python", "-m", "sandbox.docker.controller"],
            {9100: 19100},
            health_path="/metrics",
            env={
                "CONTROLLER_PROMETHEUS": "http://prometheus:9090",
                "CONTROLLER_PRIMARY": CONTAINER_PREFIX + "idp",
                "CONTROLLER_NETWORK": NETWORK_NAME,
                # API requests per second per replica; the journeys' pages do not count
                "CONTROLLER_METRIC": (
                    'sum(rate(http_requests_total{service="idp", route=~"/api/.+"}[10s]))'
                ),
                "CONTROLLER_TARGET": "15",
                "CONTROLLER_MIN": "1",
                "CONTROLLER_MAX": "4",
                "CONTROLLER_SCALE_DOWN_WINDOW_S": "20",
                "CONTROLLER_INTERVAL_S": "2",
                "CONTROLLER_LIVENESS_FAILURES": "3",
            },
            restart_on_failure=True,
            docker_socket=True,
        ),
    ]
