"""The target's monitoring as one drill sees it: its Prometheus, Alertmanager and
notification sink clients, opened once per drill and closed with it."""

from __future__ import annotations

from dataclasses import dataclass

from harness.clients import AlertmanagerClient, NotificationSinkClient, PrometheusClient
from harness.closing import Closing
from harness.errors import InfrastructureError
from harness.target import TargetConfig


@dataclass
class Monitoring(Closing):
    prometheus: PrometheusClient
    alertmanager: AlertmanagerClient
    sink_client: NotificationSinkClient | None

    @classmethod
    def open(cls, target: TargetConfig) -> Monitoring:
        sink = target.notification_sink
        return cls(
            PrometheusClient(target.prometheus.url),
            AlertmanagerClient(target.alertmanager.url),
            None if sink is None else NotificationSinkClient(sink.url),
        )

    @property
    def sink(self) -> NotificationSinkClient:
        if self.sink_client is None:
            raise InfrastructureError("the target names no notification_sink to check receivers on")
        return self.sink_client

    def close(self) -> None:
        self.prometheus.close()
        self.alertmanager.close()
        if self.sink_client is not None:
            self.sink_client.close()
