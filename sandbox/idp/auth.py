"""Sign-in shared by the form and the API, with brute-force blocking in front."""

from __future__ import annotations

from typing import Literal

from fastapi import Request

from sandbox.idp.metrics import AUTH_ATTEMPTS
from sandbox.idp.services import client_of, services

LoginResult = Literal["success", "failure", "blocked"]


async def attempt_login(
    request: Request, username: str, password: str
) -> tuple[str | None, LoginResult]:
    """A session token on success; never says whether the user exists."""
    svc, client = services(request), client_of(request)
    if svc.guard.is_blocked(client):
        AUTH_ATTEMPTS.labels("blocked").inc()
        return None, "blocked"
    if not await svc.store.check_credentials(username, password):
        AUTH_ATTEMPTS.labels("failure").inc()
        svc.guard.record_failure(client)
        return None, "failure"
    AUTH_ATTEMPTS.labels("success").inc()
    svc.guard.record_success(client)
    return await svc.store.open_session(username), "success"
