"""Sign-in shared by the form and the API, with brute-force blocking in front."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Literal, TypeVar

from fastapi import Request
from redis.exceptions import RedisError

from sandbox.idp.metrics import AUTH_ATTEMPTS, GUARD_ERRORS
from sandbox.idp.services import client_of, services

LoginResult = Literal["success", "failure", "blocked"]
T = TypeVar("T")


async def _guarded(call: Awaitable[T], otherwise: T) -> T:
    """The guard fails open: with its Redis unreachable, sign-in still works (the
    errors show in the metrics), unprotected rather than down for everyone."""
    try:
        return await call
    except RedisError:
        GUARD_ERRORS.inc()
        return otherwise


async def attempt_login(
    request: Request, username: str, password: str
) -> tuple[str | None, LoginResult]:
    """A session token on success; never says whether the user exists."""
    svc, client = services(request), client_of(request)
    if await _guarded(svc.guard.is_blocked(client), False):
        AUTH_ATTEMPTS.labels("blocked").inc()
        return None, "blocked"
    if not await svc.store.check_credentials(username, password):
        AUTH_ATTEMPTS.labels("failure").inc()
        await _guarded(svc.guard.record_failure(client), None)
        return None, "failure"
    AUTH_ATTEMPTS.labels("success").inc()
    await _guarded(svc.guard.record_success(client), None)
    return await svc.store.open_session(username), "success"
