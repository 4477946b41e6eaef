"""The target's monitoring as one drill sees it: its Prometheus and Alertmanager
clients and the readers of its receivers, opened once per drill and closed with it."""

from __future__ import annotations

from dataclasses import dataclass

from harness.clients import AlertmanagerClient, PrometheusClient
from harness.closing import Closing
from harness.settings import Settings
from remediation.receivers import ReceiverReaders, open_readers


@dataclass
class Monitoring(Closing):
    prometheus: PrometheusClient
    alertmanager: AlertmanagerClient
    readers: ReceiverReaders
    receiver_metrics: bool
    """Alertmanager labels its notification metrics by receiver (the delivered tier)."""

    @classmethod
    def open(cls, settings: Settings) -> Monitoring:
        target = settings.target
        return cls(
            PrometheusClient(target.prometheus.url),
            AlertmanagerClient(target.alertmanager.url),
            open_readers(settings),
            target.alertmanager.receiver_metrics,
        )

    def close(self) -> None:
        self.prometheus.close()
        self.alertmanager.close()
        self.readers.close()
