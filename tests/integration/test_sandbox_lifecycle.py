"""`sandbox up` survives what a crashed run leaves; `down` leaves nothing behind."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import docker
import pytest

from harness.clients import PrometheusClient
from harness.polling import wait_until
from harness.settings import Settings
from sandbox.common import IMAGE
from sandbox.docker import compose
from sandbox.docker.topology import NETWORK_NAME, SANDBOX_LABEL
from sandbox.monitoring_config import MonitoringConfig

pytestmark = pytest.mark.integration


def _leftovers(client: docker.DockerClient) -> list[str]:
    flt = {"label": SANDBOX_LABEL}
    return (
        [c.name for c in client.containers.list(all=True, filters=flt)]
        + [n.name for n in client.networks.list(filters=flt)]
        + [v.name for v in client.volumes.list(filters=flt)]
    )


def test_every_service_is_healthy_and_published_on_loopback_only(sandbox: Any) -> None:
    rows = compose.status(sandbox)
    assert {r.name for r in rows} == {
        "etcd",
        "postgres-0",
        "postgres-1",
        "redis",
        "sink",
        "mailpit",
        "sms-relay",
        "incident-automation",
        "alertmanager",
        "pushgateway",
        "prometheus",
        "idp",
        "proxy",
        "controller",
    }
    assert [r.name for r in rows if not r.healthy] == []
    with closing(docker.from_env()) as client:
        for container in client.containers.list(filters={"label": SANDBOX_LABEL}):
            bindings = [b for ports in container.ports.values() if ports for b in ports]
            assert bindings, container.name
            assert {b["HostIp"] for b in bindings} == {"127.0.0.1"}, container.name


def test_up_after_a_crashed_run_then_down_leaves_nothing(sandbox: Any) -> None:
    with closing(docker.from_env()) as client:
        _up_after_crash_then_down(sandbox, client)
    compose.up(sandbox)  # the rest of the session uses it


def _up_after_crash_then_down(sandbox: Any, client: docker.DockerClient) -> None:
    volumes_before = {v.name for v in client.volumes.list()}
    compose.down()
    # What a crashed `up` leaves: the network and a container holding a sandbox port.
    network = client.networks.create(NETWORK_NAME, labels={SANDBOX_LABEL: "true"})
    client.containers.run(
        IMAGE,
        ["sleep", "300"],
        name="pagerdrill-sandbox-idp",
        detach=True,
        labels={SANDBOX_LABEL: "true"},
        network=network.name,
        ports={"8000/tcp": ("127.0.0.1", 18080)},
    )
    compose.up(sandbox)
    assert all(r.healthy for r in compose.status(sandbox))
    compose.down()
    assert _leftovers(client) == []
    assert {v.name for v in client.volumes.list()} <= volumes_before


def test_healthy_sandbox_is_quiet(sandbox: Any, settings: Settings) -> None:
    """At steady state no alert fires: a noisy rule would make every drill's verdict
    depend on timing."""
    with PrometheusClient(settings.target.prometheus.url) as prometheus:
        wait_until(
            lambda: not _firing(prometheus),
            60,
            expected="no firing alert",
            where="Prometheus",
            describe=lambda: _firing(prometheus),
        )
        rules = prometheus.request("GET", "/api/v1/rules")["data"]["groups"]
    live = {r["name"] for g in rules for r in g["rules"] if r["type"] == "alerting"}
    shipped = {
        r["alert"]
        for f in MonitoringConfig.load().rule_files.values()
        for g in f["groups"]
        for r in g["rules"]
        if "alert" in r
    }
    assert live == shipped


def _firing(prometheus: PrometheusClient) -> list[str]:
    alerts = prometheus.request("GET", "/api/v1/alerts")["data"]["alerts"]
    return [a["labels"]["alertname"] for a in alerts if a["state"] == "firing"]
