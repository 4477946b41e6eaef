"""Fault hooks: faults that need the app's cooperation (error rate and latency per
route, plugin failure, deployment failure, readiness and liveness failure). Off by default,
reachable only with the admin token, and only in the sandbox."""

from __future__ import annotations

from pydantic import BaseModel, Field

UNHOOKED_ROUTES = ("/metrics", "/healthz", "/admin/faults", "/admin/cache/flush")


class FaultHooks(BaseModel):
    """Route keys are route templates (`/login`, `/api/templates`) or `*` for all."""

    error_rate: dict[str, float] = Field(default_factory=dict)
    latency_s: dict[str, float] = Field(default_factory=dict)
    failing_plugins: list[str] = Field(default_factory=list)
    deployment_failure: bool = False
    readiness_failure: bool = False
    liveness_failure: bool = False

    def _for(self, table: dict[str, float], route: str) -> float:
        if route in UNHOOKED_ROUTES:
            return 0.0
        return table.get(route, table.get("*", 0.0))

    def error_rate_for(self, route: str) -> float:
        return self._for(self.error_rate, route)

    def latency_for(self, route: str) -> float:
        return self._for(self.latency_s, route)
