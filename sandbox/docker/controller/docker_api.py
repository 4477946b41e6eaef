"""The few Docker Engine API calls the controller needs, over the engine's unix
socket (mounted into the controller's container)."""

from __future__ import annotations

import json
from typing import Any

import httpx

SOCKET = "/var/run/docker.sock"


class DockerApi:
    def __init__(self, socket: str = SOCKET) -> None:
        self._client = httpx.Client(
            transport=httpx.HTTPTransport(uds=socket), base_url="http://docker", timeout=30
        )

    def containers(self, labels: dict[str, str]) -> list[dict[str, Any]]:
        """Running containers carrying every label given."""
        filters = json.dumps({"label": [f"{k}={v}" for k, v in labels.items()]})
        found: list[dict[str, Any]] = (
            self._client.get("/containers/json", params={"filters": filters})
            .raise_for_status()
            .json()
        )
        return found

    def inspect(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = (
            self._client.get(f"/containers/{name}/json").raise_for_status().json()
        )
        return found

    def create(self, name: str, body: dict[str, Any]) -> None:
        self._client.post("/containers/create", params={"name": name}, json=body).raise_for_status()
        self._client.post(f"/containers/{name}/start").raise_for_status()

    def remove(self, name: str) -> None:
        self._client.post(f"/containers/{name}/stop", params={"t": 5})
        self._client.delete(f"/containers/{name}", params={"force": "true"}).raise_for_status()

    def restart(self, name: str) -> None:
        self._client.post(f"/containers/{name}/restart", params={"t": 2}).raise_for_status()
