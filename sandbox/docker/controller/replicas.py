"""Replicas of the IDP app: clones of the first container (same image, command,
environment, mounts), reachable under the network alias the proxy resolves."""

from __future__ import annotations

from typing import Any

from sandbox.docker.controller.docker_api import DockerApi

REPLICA_LABEL = "pagerdrill.replica"


class Replicas:
    def __init__(self, api: DockerApi, primary: str, service_label: dict[str, str], network: str):
        self.api = api
        self.primary = primary
        self.labels = service_label
        self.network = network

    def running(self) -> list[str]:
        """Every running replica, the primary first, then the clones in creation order."""
        names = [c["Names"][0].lstrip("/") for c in self.api.containers(self.labels)]
        clones = sorted((n for n in names if n != self.primary), key=_index)
        return ([self.primary] if self.primary in names else []) + clones

    def add(self) -> str:
        taken = {_index(n) for n in self.running()}
        index = next(i for i in range(2, 100) if i not in taken)
        name = f"{self.primary}-{index}"
        self.api.create(name, self._clone_body())
        return name

    def remove_newest(self) -> str | None:
        clones = [n for n in self.running() if n != self.primary]
        if not clones:
            return None
        self.api.remove(clones[-1])
        return clones[-1]

    def _clone_body(self) -> dict[str, Any]:
        primary = self.api.inspect(self.primary)
        config, host = primary["Config"], primary["HostConfig"]
        aliases = primary["NetworkSettings"]["Networks"][self.network].get("Aliases") or []
        service_aliases = [a for a in aliases if a in ("idp",)] + ["idp-replica"]
        return {
            "Image": config["Image"],
            "Cmd": config["Cmd"],
            "Env": config["Env"],
            "Healthcheck": config.get("Healthcheck"),
            "Labels": {**config["Labels"], REPLICA_LABEL: "true"},
            "HostConfig": {
                "Binds": host.get("Binds"),
                "Init": host.get("Init"),
                "Tmpfs": host.get("Tmpfs"),
                "RestartPolicy": host.get("RestartPolicy"),
            },
            "NetworkingConfig": {"EndpointsConfig": {self.network: {"Aliases": service_aliases}}},
        }


def _index(name: str) -> int:
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 1
