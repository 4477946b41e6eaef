"""Broken variants of the Kubernetes sandbox: each a change a drill must catch,
naming what broke (DESIGN.md, "Verdict truth"). A variant edits the rendered
objects, the monitoring configuration, or both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.monitoring_config import MonitoringConfig, no_resolved_notifications, wrong_priority

Objects = list[dict[str, Any]]


def _as_is(objects: Objects) -> Objects:
    return objects


def _unchanged(config: MonitoringConfig) -> None:
    """The monitoring configuration as shipped."""


@dataclass(frozen=True)
class KubernetesVariant:
    name: str
    breaks: str
    drills: tuple[str, ...] = ()
    """The drills that must FAIL on this variant."""
    objects: Callable[[Objects], Objects] = _as_is
    monitoring: Callable[[MonitoringConfig], None] = _unchanged
    failover_paused: bool = False
    """Patroni in maintenance mode (`pause`): no automatic failover."""


def _named(objects: Objects, kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def _bare_pod(objects: Objects) -> Objects:
    """The app as a Pod of its own: nothing replaces it when it is deleted."""
    deployment = _named(objects, "Deployment", "idp")
    template = deployment["spec"]["template"]
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            **template["metadata"],
            "name": "idp",
            "namespace": deployment["metadata"]["namespace"],
        },
        "spec": template["spec"],
    }
    kept = [o for o in objects if o is not deployment and o["kind"] != "HorizontalPodAutoscaler"]
    return [*kept, pod]


def _no_liveness_probe(objects: Objects) -> Objects:
    container = _named(objects, "Deployment", "idp")["spec"]["template"]["spec"]["containers"][0]
    container.pop("livenessProbe")
    return objects


def _app_env(**changes: str) -> Callable[[Objects], Objects]:
    """The app's container with these environment variables set (as on Docker)."""

    def change(objects: Objects) -> Objects:
        container = _named(objects, "Deployment", "idp")["spec"]["template"]["spec"]["containers"][
            0
        ]
        kept = [e for e in container["env"] if e["name"] not in changes]
        container["env"] = [
            *kept,
            *({"name": k, "value": v} for k, v in changes.items()),
        ]
        return objects

    return change


def _hpa_max_is_min(objects: Objects) -> Objects:
    spec = _named(objects, "HorizontalPodAutoscaler", "idp")["spec"]
    spec["maxReplicas"] = spec["minReplicas"]
    return objects


KUBERNETES_VARIANTS = {
    v.name: v
    for v in (
        KubernetesVariant("healthy", "nothing"),
        KubernetesVariant(
            "bare-pod",
            "the app is a bare Pod with no controller",
            ("pod-deleted",),
            objects=_bare_pod,
        ),
        KubernetesVariant(
            "no-liveness-probe",
            "the app's container has no liveness probe",
            ("unhealthy-instance",),
            objects=_no_liveness_probe,
        ),
        KubernetesVariant(
            "hpa-max-is-min",
            "the app's HorizontalPodAutoscaler may not scale (maxReplicas = minReplicas)",
            ("load-spike-kubernetes",),
            objects=_hpa_max_is_min,
        ),
        KubernetesVariant(
            "failover-disabled",
            "Patroni's automatic failover is paused (maintenance mode)",
            ("db-primary-killed-kubernetes",),
            failover_paused=True,
        ),
        KubernetesVariant(
            "wrong-priority",
            "IDPDown labelled P2 instead of P0",
            ("app-crash",),
            monitoring=wrong_priority,
        ),
        KubernetesVariant(
            "resolved-notifications-off",
            "no receiver is told when an alert resolves (send_resolved: false)",
            ("app-crash",),
            monitoring=no_resolved_notifications,
        ),
        KubernetesVariant(
            "no-brute-force-blocking",
            "the app never blocks a client however many sign-ins fail",
            ("brute-force",),
            objects=_app_env(IDP_BRUTE_FORCE_MAX_FAILURES="0"),
        ),
        KubernetesVariant(
            "circuit-breakers-off",
            "the app keeps calling hung plugin backends (no circuit breaker)",
            ("plugins-failing",),
            objects=_app_env(IDP_CIRCUIT_BREAKER_FAILURES="0"),
        ),
    )
}
