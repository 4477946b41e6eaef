"""Start or remove the notebook hub example on Docker: the hub, its Prometheus and
Alertmanager (with this folder's rules and routes) and a webhook capture (`pagerdrill
sink`) as both receivers, on 127.0.0.1 only. Secrets are generated once into
/var/tmp/pagerdrill/notebook-hub/ (the target file reads them from there).

    .venv/bin/python examples/notebook-hub/stack.py up
    .venv/bin/pagerdrill run --target examples/notebook-hub/target.yaml \\
        examples/notebook-hub/drills/
    .venv/bin/python examples/notebook-hub/stack.py down

Uses the sandbox's image (scripts/setup builds it): Python, Prometheus, Alertmanager."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import docker
import httpx

from harness.polling import wait_until
from sandbox.common import ALERTMANAGER, IMAGE, SOURCE_DIR, Secrets

HERE = Path(__file__).resolve().parent
STATE = Path("/var/tmp/pagerdrill/notebook-hub")
PREFIX = "pagerdrill-nbhub-"
NETWORK = "pagerdrill-nbhub"
LABEL = "pagerdrill.example"


def _services(secrets: Secrets) -> list[tuple[str, dict[str, Any], int, int, str]]:
    """(name, run options, container port, host port, health path) in start order."""
    example = {str(HERE): {"bind": "/etc/nbhub", "mode": "ro"}}
    return [
        (
            "sink",
            {
                "command": ["python", "-m", "sandbox.sink"],
                "volumes": {str(SOURCE_DIR): {"bind": "/opt/pagerdrill/sandbox", "mode": "ro"}},
                "environment": {
                    "PYTHONPATH": "/opt/pagerdrill",
                    "SINK_TOKEN": secrets.secret("sink-token"),
                },
            },
            8080,
            18295,
            "/healthz",
        ),
        (
            "alertmanager",
            {
                "command": [
                    *(a for a in ALERTMANAGER if not a.startswith("--config.file")),
                    "--config.file=/etc/nbhub/alertmanager.yml",
                    "--storage.path=/tmp/alertmanager",
                ],
                "volumes": example,
            },
            9093,
            18293,
            "/-/ready",
        ),
        (
            "prometheus",
            {
                "command": [
                    "prometheus",
                    "--config.file=/etc/nbhub/prometheus.yml",
                    "--storage.tsdb.path=/tmp/prometheus",
                    "--web.listen-address=:9090",
                    "--rules.alert.resend-delay=1s",
                ],
                "volumes": example,
            },
            9090,
            18290,
            "/-/ready",
        ),
        (
            "hub",
            {
                "command": ["python", "/etc/nbhub/hub.py"],
                "volumes": example,
                "environment": {
                    "HUB_PASSWORD": secrets.secret("hub-password"),
                    "HUB_RESIDENTS": "grace",
                },
                "labels": {"pagerdrill.drillable": "true"},
                "restart_policy": {"Name": "on-failure"},
            },
            8000,
            18280,
            "/healthz",
        ),
    ]


def down() -> None:
    client = docker.from_env()
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        container.remove(force=True)
    for network in client.networks.list(names=[NETWORK]):
        network.remove()


def up() -> None:
    down()
    client = docker.from_env()
    client.networks.create(NETWORK, labels={LABEL: "true"})
    for name, options, port, host_port, health in _services(Secrets(STATE)):
        labels = {LABEL: "true", **options.pop("labels", {})}
        container = client.containers.create(
            IMAGE,
            name=PREFIX + name,
            hostname=name,
            labels=labels,
            init=True,
            ports={f"{port}/tcp": ("127.0.0.1", host_port)},
            network=NETWORK,
            **options,
        )
        client.networks.get(NETWORK).disconnect(container)
        client.networks.get(NETWORK).connect(container, aliases=[name])
        container.start()
        print(f"{name}: {_await_answer(f'http://127.0.0.1:{host_port}{health}')}", flush=True)
    _await_first_scrape()


def _await_answer(url: str) -> str:
    wait_until(
        lambda: httpx.get(url, timeout=2).status_code == 200,
        timeout=60,
        expected="an answer",
        where=url,
    )
    return url


def _await_first_scrape() -> None:
    """Ready when Prometheus has scraped the hub (the drills' steady state needs it)."""
    query = "http://127.0.0.1:18290/api/v1/query"

    def hub_up() -> bool:
        answer = httpx.get(query, params={"query": 'up{job="hub"} == 1'}, timeout=2)
        return bool(answer.json()["data"]["result"])

    wait_until(hub_up, timeout=60, expected="Prometheus scraping the hub", where=query)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down"])
    if parser.parse_args().action == "up":
        up()
    else:
        down()


if __name__ == "__main__":
    main()
