"""Health-based restarts, as a kubelet does on a failing liveness probe. Docker runs
the probe itself (the app's HEALTHCHECK: its liveness endpoint polled from inside
the container, so a network fault between services does not count); the controller
restarts a replica whose probe failed `failures` times in a row, and counts it.

A paused container is frozen, not unhealthy: Docker reports it "unhealthy" but its
failing streak stays 0, which is what is read here."""

from __future__ import annotations

import logging

import httpx
from prometheus_client import Counter

from sandbox.docker.controller.docker_api import DockerApi

log = logging.getLogger("controller")
HEALTH_RESTARTS = Counter(
    "sandbox_controller_health_restarts", "Replicas restarted after failed liveness probes.",
    ["replica"],
)  # fmt: skip


class HealthRestarter:
    def __init__(self, api: DockerApi, failures: int) -> None:
        self.api = api
        self.failures = failures

    def failing_streak(self, name: str) -> int:
        state = self.api.inspect(name)["State"]
        if state.get("Paused") or not state.get("Running"):
            return 0
        return int((state.get("Health") or {}).get("FailingStreak", 0))

    def check(self, replicas: list[str]) -> list[str]:
        """Restart every replica failing its liveness probe; the names restarted."""
        restarted = []
        for name in replicas:
            try:
                streak = self.failing_streak(name)
                if streak >= self.failures:
                    log.info("liveness failed %d times in a row: restarting %s", streak, name)
                    self.api.restart(name)
                    HEALTH_RESTARTS.labels(name).inc()
                    restarted.append(name)
            except httpx.HTTPError as exc:  # removed by a scale-down meanwhile
                log.warning("health check of %s: %s", name, exc)
        return restarted
