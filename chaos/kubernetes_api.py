"""The Kubernetes API as the adapter calls it: every refusal becomes one error that
says what was asked and what the API server answered, never an HTTP dump. An
RBAC-limited ServiceAccount gets a message naming the verb and the resource::

    Kubernetes API refused delete_namespaced_pod (403 Forbidden): pods "idp-7c9" is
    forbidden: User "system:serviceaccount:idp:reader" cannot delete resource "pods"
    in API group "" in the namespace "idp"
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any, Protocol

from kubernetes.client.exceptions import ApiException

from chaos.platform import ProcessRef
from harness.errors import InfrastructureError
from harness.target import KubernetesPlatform as KubernetesConfig


class KubernetesApiError(InfrastructureError):
    """The API server refused a call; `status` is its HTTP status."""

    def __init__(self, call: str, exc: ApiException) -> None:
        self.status = int(exc.status or 0)
        message = str(exc.reason or "")
        with contextlib.suppress(TypeError, ValueError):
            message = json.loads(exc.body or "{}").get("message") or message
        hint = ". Hint: the kubeconfig's user needs that verb on that resource (RBAC)"
        super().__init__(
            f"Kubernetes API refused {call} ({self.status} {exc.reason}): {message}"
            + (hint if self.status == 403 else "")
        )


class CheckedApi:
    """Wraps a kubernetes client API object (CoreV1Api ...): same methods, errors
    translated."""

    def __init__(self, api: Any) -> None:
        self.raw = api
        """The wrapped object, for `kubernetes.stream.stream` (it needs the real method)."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.raw, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except ApiException as exc:
                raise KubernetesApiError(name, exc) from None

        return call


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
