"""Bring the sandbox up and down on the local Docker engine with testcontainers.

Containers and the network carry the `pagerdrill.sandbox` label; `down` removes
everything with it, so it also cleans up after a crashed `up` or a restarted
engine (whose `on-failure` containers would otherwise come back and clash).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker
import httpx
from testcontainers.core.config import ConnectionMode, testcontainers_config
from testcontainers.core.container import DockerContainer
from testcontainers.core.network import Network
from testcontainers.core.wait_strategies import (
    HttpWaitStrategy,
    LogMessageWaitStrategy,
)

from sandbox.common import IMAGE, SOURCE_DIR, Secrets
from sandbox.docker import variants
from sandbox.docker.topology import (
    DRILLABLE_LABEL,
    NETWORK_NAME,
    SANDBOX_LABEL,
    SERVICE_LABEL,
    Service,
    services,
)
from sandbox.prometheus_ready import await_rules_evaluated, await_targets_up

STARTUP_TIMEOUT_S = 90


class SandboxError(RuntimeError):
    """The sandbox could not be started, changed or inspected."""


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    state: str
    restart_count: int
    healthy: bool
    url: str


class StateDir:
    """Host folder with the rendered configuration and the generated secrets."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = root / "config"
        self.secrets = root / "secrets"

    def secret(self, name: str) -> str:
        """A random secret, generated once per state folder and kept in a 0600 file."""
        return Secrets(self.secrets).secret(name)

    def topology(self, variant_name: str | None = None) -> list[Service]:
        """The services of `variant_name` (default: the variant running now)."""
        change = variants.variant(variant_name or current_variant(self)).service
        return [
            change(service)
            for service in services(
                self.secret("database-password"),
                self.secret("idp-password"),
                self.secret("admin-token"),
                self.secret("sms-token"),
                self.secret("sink-token"),
            )
        ]


def up(
    state: StateDir, variant: str = "healthy", on_ready: Callable[[Service], None] = lambda s: None
) -> list[Service]:
    """Remove any stale sandbox, then start every service and wait until each is ready
    (`on_ready` hears of each, for progress)."""
    _configure_testcontainers()
    down()
    variants.render(variant, state.config)
    (state.root / "variant").write_text(variant)
    network = Network(docker_network_kw={"labels": {SANDBOX_LABEL: "true"}})
    network.name = NETWORK_NAME
    network.create()
    network._docker.client.close()
    started = state.topology(variant)
    for service in started:
        _start(service, network, state)
        on_ready(service)
    # Prometheus started before the app, so its first scrapes of it failed: wait until
    # every target answers, so that `up` returns a platform at steady state
    await_targets_up(_api(next(s for s in started if s.name == "prometheus")), STARTUP_TIMEOUT_S)
    _pause_failover(started, variants.variant(variant).failover_paused)
    return started


def _start(service: Service, network: Network, state: StateDir) -> None:
    container = _container(service, network, state).start()
    # Containers outlive this process on purpose (no Ryuk); only the API client goes.
    container.get_docker_client().client.close()


def _pause_failover(started: list[Service], paused: bool) -> None:
    """Patroni's maintenance mode (cluster-wide, through any member's REST API)."""
    problems = []
    for service in started:
        if service.name.startswith("postgres-"):
            url = f"http://127.0.0.1:{service.ports[8008]}/config"
            try:
                httpx.patch(url, json={"pause": paused}, timeout=5).raise_for_status()
            except httpx.HTTPError as exc:
                problems.append(f"{service.name}: {exc}")
            else:
                return
    raise SandboxError(f"cannot set Patroni pause={paused}: {'; '.join(problems)}")


def _liveness_probe(service: Service) -> dict[str, object]:
    """Docker's HEALTHCHECK (durations in nanoseconds): the liveness endpoint over
    loopback inside the container, like a kubelet probing its pod."""
    url = f"http://127.0.0.1:{service.port}{service.liveness_path}"
    second = 1_000_000_000
    return {
        "test": ["CMD", "curl", "-fsS", "-o", "/dev/null", "-m", "2", url],
        "interval": 2 * second,  # an exec each: every second costs real CPU on 2 cores
        "timeout": 3 * second,
        "retries": 3,
        "start_period": 5 * second,  # the app answers within ~3 s of its start
    }


def _configure_testcontainers() -> None:
    """Ryuk's image cannot be pulled here, and `down` cleans up by label instead. The
    machine may itself run in a container (/.dockerenv): ask for the published host
    ports, not the gateway's address."""
    testcontainers_config.ryuk_disabled = True
    testcontainers_config.connection_mode_override = ConnectionMode.docker_host


def _container(service: Service, network: Network, state: StateDir) -> DockerContainer:
    container = (
        DockerContainer(IMAGE)
        .with_name(service.container_name)
        .with_command(service.command)
        .with_network(network)
        .with_network_aliases(service.name, *service.aliases)
        .with_volume_mapping(str(SOURCE_DIR), "/opt/pagerdrill/sandbox", "ro")
        .with_volume_mapping(str(state.config), "/etc/pagerdrill", "ro")
        .with_envs(PYTHONPATH="/opt/pagerdrill", **service.env)
        .with_kwargs(
            init=True,
            labels={
                SANDBOX_LABEL: "true",
                SERVICE_LABEL: service.name,
                DRILLABLE_LABEL: str(service.drillable).lower(),
            },
            restart_policy={"Name": "on-failure"} if service.restart_on_failure else None,
            healthcheck=_liveness_probe(service) if service.liveness_path else None,
        )
    )
    # with_bind_ports() cannot name a host address; Docker's SDK takes (address, port).
    for port, host_port in service.ports.items():
        container.ports[f"{port}/tcp"] = ("127.0.0.1", host_port)  # type: ignore[assignment]
    for path in service.tmpfs:
        container.with_tmpfs_mount(path)
    if service.docker_socket:
        container.with_volume_mapping("/var/run/docker.sock", "/var/run/docker.sock", "rw")
    strategy: HttpWaitStrategy | LogMessageWaitStrategy
    if service.health_path is not None:
        strategy = HttpWaitStrategy(service.health_port or service.port, service.health_path)
    else:
        assert service.ready_log, f"{service.name} needs a health path or a ready log line"
        strategy = LogMessageWaitStrategy(service.ready_log)
    return container.waiting_for(strategy.with_startup_timeout(STARTUP_TIMEOUT_S))


def down() -> int:
    """Remove every sandbox container and network; returns how many objects went."""
    client = docker.from_env()
    removed = 0
    try:
        # The controller first: it must not start a replica while the others go.
        containers = client.containers.list(all=True, filters={"label": SANDBOX_LABEL})
        containers.sort(key=lambda c: c.labels.get(SERVICE_LABEL) != "controller")
        for container in containers:
            container.remove(force=True, v=True)
            removed += 1
        for container in client.containers.list(all=True, filters={"label": SANDBOX_LABEL}):
            container.remove(force=True, v=True)  # a replica started meanwhile
            removed += 1
        for network in client.networks.list(filters={"label": SANDBOX_LABEL}):
            network.remove()
            removed += 1
    finally:
        client.close()
    return removed


def status(state: StateDir) -> list[ServiceStatus]:
    client = docker.from_env()
    try:
        found = {
            c.labels.get(SERVICE_LABEL): c
            for c in client.containers.list(all=True, filters={"label": SANDBOX_LABEL})
        }
        result = []
        for service in state.topology():
            container = found.get(service.name)
            if container is None:
                result.append(ServiceStatus(service.name, "absent", 0, False, service.host_url))
                continue
            result.append(
                ServiceStatus(
                    service.name,
                    container.status,
                    int(container.attrs["RestartCount"]),
                    container.status == "running" and _answers(service),
                    service.host_url,
                )
            )
        return result
    finally:
        client.close()


def _answers(service: Service) -> bool:
    if service.health_url is None:
        try:
            socket.create_connection(("127.0.0.1", service.ports[service.port]), timeout=2).close()
        except OSError:
            return False
        return True
    try:
        return httpx.get(service.health_url, timeout=2).is_success
    except httpx.HTTPError:
        return False


def apply_variant(state: StateDir, variant: str) -> None:
    """Switch a running sandbox to `variant`: re-render the monitoring configuration
    and reload Prometheus and Alertmanager, recreate the services the variant
    changes, set Patroni's failover."""
    before = {s.name: s for s in state.topology()}
    variants.render(variant, state.config)
    (state.root / "variant").write_text(variant)
    after = state.topology(variant)
    changed = [s for s in after if s != before.get(s.name)]
    if changed:
        _recreate(changed, state)
    by_name = {s.name: s for s in after}
    _pause_failover(after, variants.variant(variant).failover_paused)
    reloaded_at = time.time()
    for name in ("prometheus", "alertmanager"):
        response = httpx.post(by_name[name].host_url + "/-/reload", timeout=10)
        if not response.is_success:
            raise SandboxError(f"{name} rejected the {variant} configuration: {response.text}")
    await_rules_evaluated(_api(by_name["prometheus"]), after=reloaded_at, timeout=10)
    if changed:
        await_targets_up(_api(by_name["prometheus"]), STARTUP_TIMEOUT_S)


def _recreate(changed: list[Service], state: StateDir) -> None:
    _configure_testcontainers()
    network = Network()
    network.name = NETWORK_NAME
    network._docker.client.close()
    client = docker.from_env()
    try:
        for service in changed:
            for container in client.containers.list(
                all=True, filters={"label": f"{SERVICE_LABEL}={service.name}"}
            ):
                container.remove(force=True, v=True)
            _start(service, network, state)
    finally:
        client.close()


def _api(prometheus: Service) -> str:
    """Prometheus's HTTP API on this machine."""
    return prometheus.host_url + "/api/v1"


def current_variant(state: StateDir) -> str:
    path = state.root / "variant"
    return path.read_text().strip() if path.exists() else "healthy"
