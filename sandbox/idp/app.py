"""The reference IDP: form login, a dashboard, health endpoints and metrics.

Run inside the sandbox image: ``uvicorn sandbox.idp.app:app``. Configured by
environment: ``IDP_DATABASE_URL`` and ``IDP_SEED_USERS`` (``user:password,...``).
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from psycopg_pool import AsyncConnectionPool

from sandbox.idp.metrics import AUTH_ATTEMPTS, HTTP_DURATION, HTTP_REQUESTS
from sandbox.idp.store import Store

SESSION_COOKIE = "idp_session"
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _seed_users(spec: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in spec.split(",") if ":" in item)
    return {user.strip(): password for user, password in pairs}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = AsyncConnectionPool(
        os.environ["IDP_DATABASE_URL"],
        min_size=1,
        max_size=10,
        open=False,
        kwargs={"connect_timeout": 2},
    )
    await pool.open(wait=True, timeout=60)
    store = Store(pool)
    await store.migrate(_seed_users(os.environ.get("IDP_SEED_USERS", "")))
    app.state.store = store
    yield
    await pool.close()


app = FastAPI(title="reference IDP", lifespan=lifespan)


@app.middleware("http")
async def record_metrics(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    path = getattr(route, "path", "unmatched")
    HTTP_DURATION.labels(path, request.method).observe(time.perf_counter() - started)
    HTTP_REQUESTS.labels(path, request.method, str(response.status_code)).inc()
    return response


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@app.get("/", response_model=None)
async def index(request: Request) -> RedirectResponse:
    user = await _current_user(request)
    return RedirectResponse("/dashboard" if user else "/login", status_code=303)


@app.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "login.html", {"error": None})


@app.post("/login", response_model=None)
async def login(request: Request, username: str = Form(...), password: str = Form(...)) -> Response:
    store = _store(request)
    if not await store.check_credentials(username, password):
        AUTH_ATTEMPTS.labels("failure").inc()
        return TEMPLATES.TemplateResponse(
            request, "login.html", {"error": "Invalid username or password."}, status_code=401
        )
    AUTH_ATTEMPTS.labels("success").inc()
    token = await store.open_session(username)
    response = RedirectResponse("/dashboard", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
    return response


@app.post("/logout", response_model=None)
async def logout(request: Request) -> RedirectResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await _store(request).close_session(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def _current_user(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    return await _store(request).session_user(token) if token else None


@app.get("/dashboard", response_model=None)
async def dashboard(request: Request) -> Response:
    user = await _current_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return TEMPLATES.TemplateResponse(request, "dashboard.html", {"user": user})


@app.get("/healthz", response_class=PlainTextResponse)
async def healthz() -> str:
    return "ok"


@app.get("/readyz", response_class=PlainTextResponse)
async def readyz(request: Request) -> Response:
    try:
        await _store(request).ping()
    except Exception as exc:  # readiness reports any database failure, whatever its kind
        return PlainTextResponse(f"database unavailable: {type(exc).__name__}", status_code=503)
    return PlainTextResponse("ready")


@app.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
