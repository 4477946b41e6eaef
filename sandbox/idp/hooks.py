"""Fault hooks: faults that need the app's cooperation (error rate and latency per
route, plugin failure, deployment failure, readiness and liveness failure, CPU
burnt in the app's own process, database connections leaked from its pool). Off by default,
reachable only with the admin token, and only in the sandbox."""

from __future__ import annotations

import math

from pydantic import BaseModel, Field, PrivateAttr

# Never delayed or failed by the route hooks: the monitoring's and the hooks' own
# routes, and the probes. Readiness says what readiness means (the database, and the
# readiness-failure hook); an error or latency fault on `*` failing it took the pod
# out of its Kubernetes Service, so users got nothing and the app's own metrics saw
# no traffic to alert on.
UNHOOKED_ROUTES = ("/metrics", "/healthz", "/readyz", "/admin/faults", "/admin/cache/flush")


class FaultHooks(BaseModel):
    """Route keys are route templates (`/login`, `/api/templates`) or `*` for all."""

    error_rate: dict[str, float] = Field(default_factory=dict)
    latency_s: dict[str, float] = Field(default_factory=dict)
    failing_plugins: list[str] = Field(default_factory=list)
    deployment_failure: bool = False
    readiness_failure: bool = False
    liveness_failure: bool = False
    cpu_burn_threads: int = Field(default=0, ge=0, le=4)
    leaked_connections: int = Field(default=0, ge=0, le=10)
    _requests: dict[str, int] = PrivateAttr(default_factory=dict)

    def _for(self, table: dict[str, float], route: str) -> float:
        if route in UNHOOKED_ROUTES:
            return 0.0
        return table.get(route, table.get("*", 0.0))

    def error_rate_for(self, route: str) -> float:
        return self._for(self.error_rate, route)

    def fails(self, route: str) -> bool:
        """Whether this request to `route` gets the injected error. Errors are spread
        evenly from the first request on, not drawn at random: at ratio 0.05 the 1st,
        21st, 41st ... fail, so the same fault is detected after the same time
        whatever the traffic's mix (a random 5 % at 2 requests/s put the first error
        anywhere in the first 30 s)."""
        ratio = self.error_rate_for(route)
        if ratio <= 0:
            return False
        served = self._requests.get(route, 0) + 1
        self._requests[route] = served
        return math.ceil(served * ratio - 1e-9) > math.ceil((served - 1) * ratio - 1e-9)

    def replace_with(self, hooks: FaultHooks) -> None:
        """Take every hook of `hooks`; the error spread starts again from the next
        request (a count kept from an earlier fault put its first error up to
        1/ratio requests late, and an MTTD with it)."""
        for name in FaultHooks.model_fields:
            setattr(self, name, getattr(hooks, name))
        self._requests.clear()

    def latency_for(self, route: str) -> float:
        return self._for(self.latency_s, route)
