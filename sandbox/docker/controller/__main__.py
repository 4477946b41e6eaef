"""`python -m sandbox.docker.controller`: every few seconds, restart the app's replicas
whose liveness probe keeps failing, read the app's load from Prometheus and scale
its replicas with the HPA algorithm. Its decisions are metrics on :9100
(sandbox_autoscaler_*, sandbox_controller_health_restarts_total), so drills
observe them like any other.

Environment: CONTROLLER_PROMETHEUS, CONTROLLER_PRIMARY (the first replica's
container), CONTROLLER_NETWORK, CONTROLLER_METRIC (PromQL: the metric summed over
replicas), CONTROLLER_TARGET (per replica), CONTROLLER_MIN, CONTROLLER_MAX,
CONTROLLER_SCALE_DOWN_WINDOW_S, CONTROLLER_INTERVAL_S, CONTROLLER_LIVENESS_FAILURES
(failed probes in a row before a restart; 0 switches health restarts off).
"""

from __future__ import annotations

import logging
import os
import time

import httpx
from prometheus_client import Counter, Gauge, start_http_server

from sandbox.docker.controller.docker_api import DockerApi
from sandbox.docker.controller.health import HealthRestarter
from sandbox.docker.controller.hpa import Autoscaler, Policy
from sandbox.docker.controller.replicas import Replicas

log = logging.getLogger("controller")
REPLICAS = Gauge("sandbox_autoscaler_replicas", "Replicas of the app.", ["kind"])
METRIC = Gauge("sandbox_autoscaler_metric", "The scaling metric per replica.", ["kind"])
EVENTS = Counter("sandbox_autoscaler_scale_events", "Scaling actions.", ["direction"])


def _metric(prometheus: httpx.Client, promql: str) -> float | None:
    try:
        body = prometheus.get("/api/v1/query", params={"query": promql}).raise_for_status().json()
    except httpx.HTTPError as exc:
        log.warning("Prometheus: %s", exc)
        return None
    result = body["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    env = os.environ
    policy = Policy(
        min_replicas=int(env.get("CONTROLLER_MIN", "1")),
        max_replicas=int(env.get("CONTROLLER_MAX", "4")),
        target=float(env.get("CONTROLLER_TARGET", "15")),
        scale_down_window_s=float(env.get("CONTROLLER_SCALE_DOWN_WINDOW_S", "20")),
    )
    interval = float(env.get("CONTROLLER_INTERVAL_S", "2"))
    promql = env["CONTROLLER_METRIC"]
    replicas = Replicas(
        DockerApi(),
        env["CONTROLLER_PRIMARY"],
        {"pagerdrill.service": "idp"},
        env["CONTROLLER_NETWORK"],
    )
    autoscaler = Autoscaler(policy)
    liveness_failures = int(env.get("CONTROLLER_LIVENESS_FAILURES", "3"))
    health = HealthRestarter(replicas.api, liveness_failures) if liveness_failures else None
    METRIC.labels("target").set(policy.target)
    start_http_server(9100)
    with httpx.Client(base_url=env["CONTROLLER_PROMETHEUS"], timeout=5) as prometheus:
        while True:
            running = replicas.running()
            if health is not None:
                health.check(running)
            total = _metric(prometheus, promql)
            if running and total is not None:
                per_replica = total / len(running)
                desired = autoscaler.desired(time.monotonic(), len(running), per_replica)
                METRIC.labels("value").set(per_replica)
                REPLICAS.labels("current").set(len(running))
                REPLICAS.labels("desired").set(desired)
                if desired > len(running):
                    for _ in range(desired - len(running)):
                        log.info("scale up: %s (%.1f per replica)", replicas.add(), per_replica)
                        EVENTS.labels("up").inc()
                elif desired < len(running):
                    log.info("scale down: %s", replicas.remove_newest())
                    EVENTS.labels("down").inc()
            time.sleep(interval)


if __name__ == "__main__":
    main()
