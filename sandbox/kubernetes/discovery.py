"""Pod discovery for the Kubernetes sandbox's Prometheus, as a Prometheus HTTP SD
endpoint: the sandbox's Prometheus is built without `kubernetes_sd_configs` (only
DNS discovery, sandbox/monitoring/build.sh), so this
sidecar lists the namespace's pods through the Kubernetes API (with the pod's
service account) and serves those annotated `pagerdrill.io/scrape: <port>` as
targets, `service` from their `app` label and `job` from it too unless annotated
`pagerdrill.io/job: <job>` (Patroni's pods are the rules' job `patroni`)::

    python -m sandbox.kubernetes.discovery   # GET http://127.0.0.1:8089/targets
"""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
ANNOTATION = "pagerdrill.io/scrape"
JOB_ANNOTATION = "pagerdrill.io/job"


def targets(pods: list[dict[str, Any]], seen_ready: set[str]) -> list[dict[str, Any]]:
    """Prometheus HTTP SD groups for the running, annotated pods with an address that
    have been ready once (`seen_ready`, kept between calls: pod UIDs). A pod starting
    is Running before its server listens, and a scrape then fails, which pages
    IDPDown: an autoscaler's new pods did, under a CPU burn that slowed their start.
    Once ready, a pod stays a target until it is deleted, ready or not: a crash or a
    hang of a serving pod must show as failed scrapes."""
    present = {_uid(pod) for pod in pods}
    seen_ready &= present
    seen_ready.update(_uid(pod) for pod in pods if _ready(pod))
    groups = []
    for pod in pods:
        meta, status = pod["metadata"], pod.get("status", {})
        annotations = meta.get("annotations") or {}
        port = annotations.get(ANNOTATION)
        app = (meta.get("labels") or {}).get("app")
        if not port or not app or status.get("phase") != "Running" or not status.get("podIP"):
            continue
        if meta.get("deletionTimestamp") or _uid(pod) not in seen_ready:
            continue
        labels = {"job": annotations.get(JOB_ANNOTATION, app), "service": app, "pod": meta["name"]}
        groups.append({"targets": [f"{status['podIP']}:{port}"], "labels": labels})
    return groups


def _uid(pod: dict[str, Any]) -> str:
    meta: dict[str, str] = pod["metadata"]
    return meta.get("uid") or meta["name"]


def _ready(pod: dict[str, Any]) -> bool:
    conditions = pod.get("status", {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _list_pods(client: httpx.Client, namespace: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/v1/namespaces/{namespace}/pods")
    answer.raise_for_status()
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def main() -> None:
    namespace = (ACCOUNT / "namespace").read_text().strip()
    api = f"https://{os.environ['KUBERNETES_SERVICE_HOST']}:{os.environ['KUBERNETES_SERVICE_PORT']}"
    client = httpx.Client(base_url=api, verify=str(ACCOUNT / "ca.crt"), timeout=5)
    seen_ready: set[str] = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            token = (ACCOUNT / "token").read_text().strip()  # rotated by the kubelet
            client.headers["Authorization"] = f"Bearer {token}"
            try:
                with lock:
                    body = json.dumps(targets(_list_pods(client, namespace), seen_ready)).encode()
                status = 200
            except httpx.HTTPError as exc:
                body, status = str(exc).encode(), 502
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Quiet: Prometheus asks every second."""

    ThreadingHTTPServer(("127.0.0.1", 8089), Handler).serve_forever()


if __name__ == "__main__":
    main()
