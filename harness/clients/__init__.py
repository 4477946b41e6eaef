"""httpx clients for the platform's observability endpoints."""

from harness.clients.alertmanager import AlertmanagerClient
from harness.clients.prometheus import AlertSample, PrometheusClient
from harness.clients.sink import Notification, NotificationSinkClient

__all__ = [
    "AlertSample",
    "AlertmanagerClient",
    "Notification",
    "NotificationSinkClient",
    "PrometheusClient",
]
