"""Alertmanager API v2."""

from __future__ import annotations

from typing import Any

import httpx

from harness.clients._http import JsonApi


class AlertmanagerClient(JsonApi):
    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None):
        super().__init__("Alertmanager", base_url, transport)

    def active_alerts(self, alertname: str) -> list[dict[str, Any]]:
        """Unresolved alerts named `alertname`, as Alertmanager holds them."""
        alerts: list[dict[str, Any]] = self.request(
            "GET", "/api/v2/alerts", params={"filter": f'alertname="{alertname}"'}
        )
        return alerts

    def config_yaml(self) -> str:
        """The configuration Alertmanager runs with, as it was loaded (YAML)."""
        status: dict[str, Any] = self.request("GET", "/api/v2/status")
        return str(status["config"]["original"])

    def receivers(self) -> list[str]:
        found: list[dict[str, Any]] = self.request("GET", "/api/v2/receivers")
        return sorted(r["name"] for r in found)
