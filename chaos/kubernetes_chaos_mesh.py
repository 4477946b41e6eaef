"""Network and stress faults on Kubernetes as Chaos Mesh resources, for clusters
that have it (`platform.chaos_mesh: true`), labelled `pagerdrill.io/fault` so that
revert and recover delete exactly them (https://chaos-mesh.org)."""

from __future__ import annotations

import logging
from typing import Any, cast

from kubernetes import client

from chaos.kubernetes_api import WorkloadPods
from harness import clock
from harness.clients.kubernetes import CheckedApi, KubernetesApiError
from harness.errors import FaultInjectionError

log = logging.getLogger("pagerdrill.api")
CHAOS_MESH = ("chaos-mesh.org", "v1alpha1")
FAULT_LABEL = "pagerdrill.io/fault"


def network_chaos(
    name: str, namespace: str, *, pods: list[str], action: str, spec: dict[str, Any], max_s: float
) -> dict[str, Any]:
    """A Chaos Mesh NetworkChaos on exactly these pods."""
    return {
        "apiVersion": "/".join(CHAOS_MESH),
        "kind": "NetworkChaos",
        "metadata": {"name": name, "namespace": namespace, "labels": {FAULT_LABEL: name}},
        "spec": {
            "action": action,
            "mode": "all",
            "selector": {"pods": {namespace: pods}},
            "direction": "to",
            "duration": f"{max_s:.0f}s",
            **spec,
        },
    }


def stress_chaos(
    name: str, namespace: str, *, pods: list[str], resource: str, amount: int, max_s: float
) -> dict[str, Any]:
    stressors = (
        {"cpu": {"workers": amount, "load": 100}}
        if resource == "cpu"
        else {"memory": {"workers": 1, "size": f"{amount}MB"}}
    )
    return {
        "apiVersion": "/".join(CHAOS_MESH),
        "kind": "StressChaos",
        "metadata": {"name": name, "namespace": namespace, "labels": {FAULT_LABEL: name}},
        "spec": {
            "mode": "all",
            "selector": {"pods": {namespace: pods}},
            "stressors": stressors,
            "duration": f"{max_s:.0f}s",
        },
    }


class ChaosMeshFaults:
    """The partition acts on "the pod network", the one network a pod has."""

    def __init__(self, pods: WorkloadPods, api: client.ApiClient) -> None:
        self.pods = pods
        self.namespace = pods.cfg.namespace
        self._api = api
        self.custom = CheckedApi(client.CustomObjectsApi(api))

    def _require_chaos_mesh(self, kind: str) -> None:
        try:
            CheckedApi(client.ApiextensionsV1Api(self._api)).read_custom_resource_definition(
                f"{kind}.chaos-mesh.org"
            )
        except KubernetesApiError as exc:
            if exc.status == 404:
                raise FaultInjectionError(
                    f"Chaos Mesh is not installed (no {kind}.chaos-mesh.org CRD): network and "
                    "stress faults on Kubernetes need it (https://chaos-mesh.org)"
                ) from exc
            raise

    def _create_chaos(self, plural: str, body: dict[str, Any]) -> float:
        self._require_chaos_mesh(plural)
        at = clock.now()
        log.debug("POST %s %s", plural, body["metadata"]["name"])
        self.custom.create_namespaced_custom_object(*CHAOS_MESH, self.namespace, plural, body)
        return at

    def _chaos(self, plural: str, selector: str = FAULT_LABEL) -> list[dict[str, Any]]:
        """pagerdrill's Chaos Mesh resources of this kind (none if Chaos Mesh is absent)."""
        try:
            found = self.custom.list_namespaced_custom_object(
                *CHAOS_MESH, self.namespace, plural, label_selector=selector
            )
        except KubernetesApiError as exc:
            if exc.status == 404:  # no such CRD: nothing of ours can exist
                return []
            raise
        return list(cast(dict[str, Any], found).get("items", []))

    def _delete_chaos(self, plural: str, selector: str) -> None:
        for item in self._chaos(plural, selector):
            name = item["metadata"]["name"]
            log.debug("DELETE %s %s", plural, name)
            self.custom.delete_namespaced_custom_object(*CHAOS_MESH, self.namespace, plural, name)

    def _chaos_name(self, workload: str, what: str) -> str:
        return f"pagerdrill-{what}-{workload}"[:63]

    def networks(self, workload: str) -> dict[str, list[str]]:
        return {"pod-network": []}

    def disconnect(self, workload: str, network: str) -> float:
        everyone = {"mode": "all", "selector": {"namespaces": [self.namespace]}}
        body = network_chaos(
            self._chaos_name(workload, "partition"),
            self.namespace,
            pods=self.pods.targets(workload),
            action="partition",
            spec={"direction": "both", "target": everyone},
            max_s=3600,
        )
        return self._create_chaos("networkchaos", body)

    def reconnect(self, workload: str, network: str, aliases: list[str]) -> None:
        self._delete_chaos(
            "networkchaos", f"{FAULT_LABEL}={self._chaos_name(workload, 'partition')}"
        )

    def add_latency(self, workload: str, delay_s: float, jitter_s: float) -> float:
        delay = {"latency": f"{delay_s * 1000:.0f}ms", "jitter": f"{jitter_s * 1000:.0f}ms"}
        body = network_chaos(
            self._chaos_name(workload, "latency"),
            self.namespace,
            pods=self.pods.targets(workload),
            action="delay",
            spec={"delay": delay},
            max_s=3600,
        )
        return self._create_chaos("networkchaos", body)

    def add_loss(self, workload: str, percent: float) -> float:
        body = network_chaos(
            self._chaos_name(workload, "loss"),
            self.namespace,
            pods=self.pods.targets(workload),
            action="loss",
            spec={"loss": {"loss": f"{percent:g}"}},
            max_s=3600,
        )
        return self._create_chaos("networkchaos", body)

    def clear_network_faults(self, workload: str) -> None:
        for what in ("latency", "loss"):
            self._delete_chaos("networkchaos", f"{FAULT_LABEL}={self._chaos_name(workload, what)}")

    def network_faults(self, workload: str) -> list[str]:
        names = [i["metadata"]["name"] for i in self._chaos("networkchaos")]
        return [n for n in names if n.endswith(f"-{workload}")]

    def start_stress(
        self, workload: str, resource: str, amount: int, marker: str, max_s: float
    ) -> float:
        body = stress_chaos(
            marker,
            self.namespace,
            pods=self.pods.targets(workload),
            resource=resource,
            amount=amount,
            max_s=max_s,
        )
        return self._create_chaos("stresschaos", body)

    def stop_stress(self, workload: str, marker: str) -> None:
        self._delete_chaos("stresschaos", f"{FAULT_LABEL}={marker}")

    def stress_processes(self, workload: str, marker: str) -> list[int]:
        """One entry per StressChaos of this fault (Kubernetes shows no host PIDs)."""
        names = [i["metadata"]["name"] for i in self._chaos("stresschaos")]
        return [1 for n in names if n.startswith(marker)]
