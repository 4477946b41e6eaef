"""What the pod-fault backends (Chaos Mesh, the node, exec) use of the Kubernetes
adapter, and when a pod counts as serving. The API client and its error translation
are harness.clients.kubernetes (the load's worker pods use them too)."""

from __future__ import annotations

from typing import Any, Protocol

from chaos.platform import ProcessRef
from harness.target import KubernetesPlatform as KubernetesConfig


class WorkloadPods(Protocol):
    """What the pod-fault backends (Chaos Mesh, the node) use of the platform."""

    cfg: KubernetesConfig

    def targets(self, workload: str) -> list[str]:
        """The pods a fault acts on (guarded: drillable, at most max_targets)."""

    def pods(self, workload: str) -> list[Any]:
        """Every pod of the workload, as the API lists them."""

    def run_script(self, workload: str, pod: str, script: str) -> str:
        """A shell script's output in the workload's container of `pod` (exec)."""

    def processes(self, workload: str) -> list[ProcessRef]:
        """The processes in the workload's target pods."""

    def send_signal(self, workload: str, processes: list[ProcessRef], signal_name: str) -> float:
        """The signal to those of `processes` still there, through exec."""


def serving(pod: Any) -> bool:
    """Running and not on its way out (a deleted pod keeps phase Running while it
    terminates: no fault may pick it, and it does not count as running again)."""
    return bool(pod.status.phase == "Running" and pod.metadata.deletion_timestamp is None)
