"""The Kubernetes API as pagerdrill calls it (the fault adapter, the load workers):
a client only for an allowed context, and every refusal becomes one error that
says what was asked and what the API server answered, never an HTTP dump. An
RBAC-limited ServiceAccount gets a message naming the verb and the resource::

    Kubernetes API refused delete_namespaced_pod (403 Forbidden): pods "idp-7c9" is
    forbidden: User "system:serviceaccount:idp:reader" cannot delete resource "pods"
    in API group "" in the namespace "idp"
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from kubernetes import client, config
from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from harness.errors import GuardRefused, InfrastructureError
from harness.target import KubernetesPlatform as KubernetesConfig


def check_context(contexts: Sequence[str], wanted: str, allowed: Sequence[str]) -> None:
    if wanted not in allowed:
        raise GuardRefused(f"kubeconfig context {wanted!r} is not in allowed_contexts")
    if wanted not in contexts:
        raise InfrastructureError(
            f"kubeconfig has no context {wanted!r}; it has: {', '.join(contexts) or 'none'}"
        )


def api_client(cfg: KubernetesConfig) -> ApiClient:
    """A client of the target's cluster, refused before any call unless its context is
    allowed and in the kubeconfig."""
    kubeconfig = None if cfg.kubeconfig is None else str(cfg.kubeconfig)
    try:
        contexts, _ = config.list_kube_config_contexts(  # type: ignore[no-untyped-call]
            config_file=kubeconfig
        )
    except (config.ConfigException, OSError) as exc:
        raise InfrastructureError(f"cannot read the kubeconfig: {exc}") from exc
    check_context([c["name"] for c in contexts], cfg.context, cfg.allowed_contexts)
    api: ApiClient = config.new_client_from_config(  # type: ignore[no-untyped-call]
        config_file=kubeconfig, context=cfg.context
    )
    return api


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


DELETABLE_KINDS = ("Job", "Secret", "ConfigMap")


def delete_named(api: ApiClient, namespace: str, name: str, kinds: Sequence[str]) -> None:
    """Delete the objects of `kinds` (of DELETABLE_KINDS) called `name`, a Job's pods
    with it; one already gone is fine (idempotent: `pagerdrill recover` may replay it)."""
    core, batch = CheckedApi(client.CoreV1Api(api)), CheckedApi(client.BatchV1Api(api))
    deleters = {
        "Job": batch.delete_namespaced_job,
        "Secret": core.delete_namespaced_secret,
        "ConfigMap": core.delete_namespaced_config_map,
    }
    body = client.V1DeleteOptions(propagation_policy="Foreground", grace_period_seconds=5)
    for kind in kinds:
        try:
            deleters[kind](name, namespace, body=body)
        except KubernetesApiError as exc:
            if exc.status != 404:
                raise
