"""The reference IDP: server-rendered pages and a JSON API for sign-in, the template
catalog, service deployment and the plugin marketplace; health endpoints; metrics.

Run inside the sandbox image: ``uvicorn sandbox.idp.app:app``. Environment:
``IDP_DATABASE_URL``; ``IDP_REDIS_URL`` (the catalog cache); ``IDP_SEED_USERS``
(``user:password,...``); ``IDP_ADMIN_TOKEN`` (enables the fault hooks);
``IDP_TRUST_FORWARDED`` (1 behind the sandbox proxy);
``IDP_BRUTE_FORCE_MAX_FAILURES`` (0 disables blocking), ``..._WINDOW_S``, ``..._BLOCK_S``;
``IDP_CIRCUIT_BREAKER_FAILURES`` (0 disables the plugins' breakers), ``..._RESET_S``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from psycopg_pool import AsyncConnectionPool
from redis.asyncio import Redis

from sandbox.idp import admin, api, pages
from sandbox.idp.burner import CpuBurner
from sandbox.idp.cache import CatalogCache
from sandbox.idp.catalog import Catalog
from sandbox.idp.hooks import FaultHooks
from sandbox.idp.jobs import DeploymentRunner
from sandbox.idp.leak import ConnectionLeak
from sandbox.idp.metrics import DB_POOL, HTTP_DURATION, HTTP_REQUESTS
from sandbox.idp.plugins import PluginGateway
from sandbox.idp.security import BruteForceGuard
from sandbox.idp.services import IdpServices, env_int, services
from sandbox.idp.store import Store

BACKGROUND_INTERVAL_S = 1.0


def _seed_users(spec: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in spec.split(",") if ":" in item)
    return {user.strip(): password for user, password in pairs}


async def _background(svc: IdpServices, pool: AsyncConnectionPool) -> None:
    """Keep the gauges fresh between scrapes (pool use, plugin health) and the
    catalog cache warm; as many CPU-burning threads and leaked connections as the
    hooks ask for."""
    burner, leak = CpuBurner(), ConnectionLeak(pool)
    while True:
        burner.ensure(svc.hooks.cpu_burn_threads)
        with contextlib.suppress(Exception):  # database unreachable: next round again
            await leak.ensure(svc.hooks.leaked_connections)
        stats = pool.get_stats()
        DB_POOL.labels("open").set(stats.get("pool_size", 0))
        DB_POOL.labels("idle").set(stats.get("pool_available", 0))
        DB_POOL.labels("waiting").set(stats.get("requests_waiting", 0))
        DB_POOL.labels("max").set(pool.max_size)
        with contextlib.suppress(Exception):  # a database outage shows in other metrics
            await svc.plugins.statuses()
        with contextlib.suppress(Exception):  # so does a cache outage (lookups count errors)
            await svc.cache.keep_warm()
            await svc.guard.count_blocked()
        await asyncio.sleep(BACKGROUND_INTERVAL_S)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # After a failover, pooled connections to the old primary are dead or read-only:
    # check each before handing it out.
    pool = AsyncConnectionPool(
        os.environ["IDP_DATABASE_URL"],
        min_size=1,
        max_size=10,
        open=False,
        kwargs={"connect_timeout": 2},
        check=AsyncConnectionPool.check_connection,
    )
    await pool.open(wait=True, timeout=60)
    store, catalog, hooks = Store(pool), Catalog(pool), FaultHooks()
    await store.migrate(_seed_users(os.environ.get("IDP_SEED_USERS", "")))
    await catalog.migrate()
    redis = Redis.from_url(os.environ["IDP_REDIS_URL"], socket_timeout=1)
    svc = IdpServices(
        store=store,
        catalog=catalog,
        cache=CatalogCache(catalog, redis),
        hooks=hooks,
        jobs=DeploymentRunner(catalog, hooks),
        plugins=PluginGateway(
            catalog,
            hooks,
            env_int("IDP_CIRCUIT_BREAKER_FAILURES", 3),
            env_int("IDP_CIRCUIT_BREAKER_RESET_S", 10),
        ),
        guard=BruteForceGuard(
            redis,
            env_int("IDP_BRUTE_FORCE_MAX_FAILURES", 5),
            env_int("IDP_BRUTE_FORCE_WINDOW_S", 60),
            env_int("IDP_BRUTE_FORCE_BLOCK_S", 60),
        ),
        admin_token=os.environ.get("IDP_ADMIN_TOKEN") or None,
        trust_forwarded=os.environ.get("IDP_TRUST_FORWARDED") == "1",
    )
    app.state.services = svc
    await svc.cache.warm()
    await svc.jobs.resume()
    background = asyncio.create_task(_background(svc, pool))
    yield
    background.cancel()
    await svc.jobs.stop()
    await svc.cache.redis.aclose()
    await pool.close()


async def apply_fault_hooks(request: Request) -> None:
    """Every route's first dependency: names the route for the metrics, then injects
    the latency and errors the hooks ask for on it, before the endpoint runs."""
    route = str(getattr(request.scope.get("route"), "path", "unmatched"))
    request.state.route = route
    if not hasattr(request.app.state, "services"):
        return
    hooks = services(request).hooks
    if hooks.latency_for(route):
        await asyncio.sleep(hooks.latency_for(route))
    if hooks.fails(route):
        raise HTTPException(500, "injected error")


app = FastAPI(title="reference IDP", lifespan=lifespan, dependencies=[Depends(apply_fault_hooks)])
app.include_router(pages.router)
app.include_router(api.router)
app.include_router(admin.router)


@app.middleware("http")
async def observe(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Metrics for every request, labelled by route template."""
    started = time.perf_counter()
    request.state.route = "unmatched"  # created here, so the endpoint's scope shares it
    response = await call_next(request)
    route = request.state.route
    HTTP_DURATION.labels(route, request.method).observe(time.perf_counter() - started)
    if (route, request.method) not in _SEEN:
        _SEEN.add((route, request.method))
        for status in ALERTED_STATUSES:
            HTTP_REQUESTS.labels(route, request.method, status)
    HTTP_REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    return response


# A route's error and refusal series exist, at 0, from its first request on: a
# counter series created by its own first increment shows no increase to rate() or
# increase(), so the first injected error would go unseen and detection would depend
# on which earlier faults happened to create it (initialise what you alert on).
ALERTED_STATUSES = ("500", "401", "403", "429")
_SEEN: set[tuple[str, str]] = set()


@app.get("/healthz", response_class=PlainTextResponse)
async def healthz(request: Request) -> Response:
    if services(request).hooks.liveness_failure:
        return PlainTextResponse("unhealthy: injected liveness failure", status_code=500)
    return PlainTextResponse("ok")


@app.get("/readyz", response_class=PlainTextResponse)
async def readyz(request: Request) -> Response:
    svc = services(request)
    if svc.hooks.readiness_failure:
        return PlainTextResponse("not ready: injected readiness failure", status_code=503)
    try:
        await svc.store.ping()
    except Exception as exc:  # readiness reports any database failure, whatever its kind
        return PlainTextResponse(f"database unavailable: {type(exc).__name__}", status_code=503)
    return PlainTextResponse("ready")


@app.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
