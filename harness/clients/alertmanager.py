"""Alertmanager API v2."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from harness.clients._http import JsonApi

_REQUESTS = "alertmanager_notification_requests"
_REQUESTS_FAILED = "alertmanager_notification_requests_failed"


class AlertmanagerClient(JsonApi):
    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None):
        super().__init__("Alertmanager", base_url, transport)

    def active_alerts(self, alertname: str) -> list[dict[str, Any]]:
        """Unresolved alerts named `alertname`, as Alertmanager holds them."""
        alerts: list[dict[str, Any]] = self.request(
            "GET", "/api/v2/alerts", params={"filter": f'alertname="{alertname}"'}
        )
        return alerts

    def all_alerts(self) -> list[dict[str, Any]]:
        """Every unresolved alert it holds: active, inhibited or silenced (`status.state`)."""
        alerts: list[dict[str, Any]] = self.request("GET", "/api/v2/alerts")
        return alerts

    def config_yaml(self) -> str:
        """The configuration Alertmanager runs with, as it was loaded (YAML)."""
        status: dict[str, Any] = self.request("GET", "/api/v2/status")
        return str(status["config"]["original"])

    def receivers(self) -> list[str]:
        found: list[dict[str, Any]] = self.request("GET", "/api/v2/receivers")
        return sorted(r["name"] for r in found)

    def receivers_of(self, alertname: str) -> set[str]:
        """The receivers Alertmanager routed the active alerts named `alertname` to."""
        return {r["name"] for a in self.active_alerts(alertname) for r in a.get("receivers") or []}

    def notification_counts(self) -> NotificationCounts:
        """Its notification request counters from `/metrics` (each request to a receiver's
        system, retries included), per receiver when it labels them."""
        totals: dict[str, float] = {}
        failed: dict[str, float] = {}
        labelled = False
        for family in text_string_to_metric_families(self.text("/metrics")):
            if family.name not in (_REQUESTS, _REQUESTS_FAILED):
                continue
            into = totals if family.name == _REQUESTS else failed
            for sample in family.samples:
                if not sample.name.endswith("_total"):
                    continue
                receiver = sample.labels.get("receiver_name")
                labelled = labelled or receiver is not None
                key = (
                    receiver
                    if receiver is not None
                    else f"integration:{sample.labels.get('integration', '')}"
                )
                into[key] = into.get(key, 0.0) + sample.value
        return NotificationCounts(totals, failed, labelled)

    def post_alert(self, labels: dict[str, str], starts_at: str, ends_at: str) -> None:
        self.request(
            "POST",
            "/api/v2/alerts",
            json=[{"labels": labels, "startsAt": starts_at, "endsAt": ends_at}],
        )

    def silence(self, matchers: dict[str, str], starts_at: str, ends_at: str, comment: str) -> str:
        """A silence of exactly these label values; returns its ID."""
        body: dict[str, Any] = self.request(
            "POST",
            "/api/v2/silences",
            json={
                "matchers": [
                    {"name": k, "value": v, "isRegex": False, "isEqual": True}
                    for k, v in matchers.items()
                ],
                "startsAt": starts_at,
                "endsAt": ends_at,
                "createdBy": "pagerdrill",
                "comment": comment,
            },
        )
        return str(body["silenceID"])

    def expire_silence(self, silence_id: str) -> None:
        self.request("DELETE", f"/api/v2/silence/{silence_id}")


@dataclass(frozen=True)
class NotificationCounts:
    """`alertmanager_notification_requests_total` and `..._failed_total`, summed per receiver
    (`receiver_name`), or per `integration:<name>` when Alertmanager does not label
    them by receiver (before 0.27, or without the receiver-name-in-metrics feature)."""

    total: dict[str, float]
    failed: dict[str, float]
    by_receiver: bool

    def since(self, before: NotificationCounts, key: str) -> tuple[int, int]:
        """(requests, failed requests) for `key` since `before` (after a restart of
        Alertmanager the counters start again: then all of them)."""
        attempts = self.total.get(key, 0.0) - before.total.get(key, 0.0)
        failures = self.failed.get(key, 0.0) - before.failed.get(key, 0.0)
        if attempts < 0 or failures < 0:
            attempts, failures = self.total.get(key, 0.0), self.failed.get(key, 0.0)
        return int(attempts), int(failures)
