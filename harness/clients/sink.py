"""The notification sink's HTTP API: what receivers really got, with receive times."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from harness.clients._http import JsonApi


@dataclass(frozen=True)
class Notification:
    receiver: str
    channel: str
    alertname: str
    priority: str
    status: str
    received_at: float


class NotificationSinkClient(JsonApi):
    def __init__(
        self,
        base_url: str,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ):
        headers = None if token is None else {"Authorization": f"Bearer {token}"}
        super().__init__("notification sink", base_url, transport, headers=headers)

    def notifications(self, since: float = 0.0) -> list[Notification]:
        rows = self.request("GET", "/notifications", params={"since": f"{since:.3f}"})
        return [
            Notification(
                receiver=str(r["receiver"]),
                channel=str(r["channel"]),
                alertname=str(r["alertname"]),
                priority=str(r["priority"]),
                status=str(r["status"]),
                received_at=float(r["received_at"]),
            )
            for r in rows
        ]

    def clear(self) -> None:
        """Forget every capture, incident and channel (the sink's `DELETE /notifications`)."""
        self.request("DELETE", "/notifications")
