"""What every route needs, built once at start: persistence, the catalog cache, the
deployment runner, the plugin gateway, fault hooks and the brute-force guard; and
who is asking."""

from __future__ import annotations

import os
from dataclasses import dataclass

from fastapi import Request

from sandbox.idp.cache import CatalogCache
from sandbox.idp.catalog import Catalog
from sandbox.idp.hooks import FaultHooks
from sandbox.idp.jobs import DeploymentRunner
from sandbox.idp.plugins import PluginGateway
from sandbox.idp.security import BruteForceGuard
from sandbox.idp.store import Store

SESSION_COOKIE = "idp_session"


@dataclass
class IdpServices:
    store: Store
    catalog: Catalog
    cache: CatalogCache
    jobs: DeploymentRunner
    plugins: PluginGateway
    hooks: FaultHooks
    guard: BruteForceGuard
    admin_token: str | None
    trust_forwarded: bool


def services(request: Request) -> IdpServices:
    found: IdpServices = request.app.state.services
    return found


def client_of(request: Request) -> str:
    """The client's address; behind the sandbox's proxy, the first X-Forwarded-For hop."""
    if services(request).trust_forwarded:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


async def current_user(request: Request) -> str | None:
    """From the session cookie (pages) or a bearer token (API); both are sessions."""
    auth = request.headers.get("authorization", "")
    token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
    token = token or request.cookies.get(SESSION_COOKIE)
    return await services(request).store.session_user(token) if token else None


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))
