"""Fault hooks behind the admin token (header X-Admin-Token). Without IDP_ADMIN_TOKEN
in the environment the routes do not exist (404), as on a production build."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Header, HTTPException, Request

from sandbox.idp.hooks import FaultHooks
from sandbox.idp.services import services

router = APIRouter(prefix="/admin")


def _authorize(request: Request, token: str | None) -> None:
    expected = services(request).admin_token
    if not expected:
        raise HTTPException(404)
    if token is None or not hmac.compare_digest(token, expected):
        raise HTTPException(403, "admin token required")


@router.get("/faults")
async def faults(request: Request, x_admin_token: str | None = Header(None)) -> FaultHooks:
    _authorize(request, x_admin_token)
    return services(request).hooks


@router.put("/faults")
async def set_faults(
    request: Request, hooks: FaultHooks, x_admin_token: str | None = Header(None)
) -> FaultHooks:
    """Replace every hook at once; PUT `{}` (or DELETE) clears them."""
    _authorize(request, x_admin_token)
    current = services(request).hooks
    current.replace_with(hooks)
    return current


@router.delete("/faults")
async def clear_faults(request: Request, x_admin_token: str | None = Header(None)) -> FaultHooks:
    return await set_faults(request, FaultHooks(), x_admin_token)


@router.post("/cache/flush", status_code=204)
async def flush_cache(request: Request, x_admin_token: str | None = Header(None)) -> None:
    _authorize(request, x_admin_token)
    await services(request).cache.flush()
