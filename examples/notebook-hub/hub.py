"""A small multi-user notebook platform, pagerdrill's second platform: nothing like
the reference IDP. A hub signs people in and starts one notebook server per user as
its own child process (`hub.py singleuser`), shows a progress page while it starts,
proxies `/user/<name>/` to it, checks it every second and stops it on request.
Resident users' servers (HUB_RESIDENTS, a team's shared notebooks) always run: the
hub starts them at boot and again when one ends.

    python hub.py                                # the hub, port 8000 (HUB_PASSWORD)
    python hub.py singleuser --user ada --port 9001

Metrics (`/metrics`, names of its own): nbhub_user_servers_running,
nbhub_user_server_unresponsive{user}, nbhub_user_server_exits_total{reason}."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import uvicorn
from fastapi import FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, generate_latest

RUNNING = Gauge("nbhub_user_servers_running", "Notebook servers running.")
UNRESPONSIVE = Gauge(
    "nbhub_user_server_unresponsive", "1 while a user's server fails its check.", ["user"]
)
EXITS = Counter(
    "nbhub_user_server_exits_total", "Servers that ended: stopped or crashed.", ["reason"]
)
EXITS.labels("stopped")
EXITS.labels("crashed")
COOKIE = "nbhub-session"


def page(title: str, body: str, head: str = "") -> HTMLResponse:
    return HTMLResponse(
        f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    )


# --- the per-user notebook server (a child process of the hub) ---------------------


def singleuser(user: str, port: int) -> None:
    app = FastAPI()

    @app.get(f"/user/{user}/lab")
    async def lab() -> HTMLResponse:
        return page("lab", f'<h1 data-testid="notebook">Notebook ready for {user}</h1>')

    @app.get(f"/user/{user}/api/status")
    async def status() -> dict[str, str]:
        return {"status": "ok"}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# --- the hub ------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    stopping: bool = False


@dataclass
class Hub:
    password: str
    users: tuple[str, ...] = ("ada",)
    residents: tuple[str, ...] = ()
    sessions: dict[str, str] = field(default_factory=dict)
    servers: dict[str, Server] = field(default_factory=dict)
    next_port: int = 9001

    def spawn(self, user: str) -> Server:
        server = self.servers.get(user)
        if server is None or server.process.poll() is not None:
            self.next_port += 1
            argv = [sys.executable, __file__, "singleuser", "--user", user]
            process = subprocess.Popen([*argv, "--port", str(self.next_port)])
            server = self.servers[user] = Server(process, self.next_port)
        return server

    def stop(self, user: str) -> None:
        server = self.servers.pop(user, None)
        if server is not None:
            server.stopping = True
            server.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.process.wait(5)
            server.process.kill()
            EXITS.labels("stopped").inc()
            UNRESPONSIVE.labels(user).set(0)

    async def check(self, client: httpx.AsyncClient) -> None:
        """Every second: each server answers its status within 0.5 s, or is marked
        unresponsive; one that ended without a stop request crashed."""
        for user, server in list(self.servers.items()):
            if server.stopping or self.servers.get(user) is not server:
                continue  # stopped (or started again) while an earlier check was awaited
            if server.process.poll() is not None:
                del self.servers[user]
                EXITS.labels("crashed").inc()
                UNRESPONSIVE.labels(user).set(0)
                if user in self.residents:
                    self.spawn(user)
                continue
            UNRESPONSIVE.labels(user).set(0 if await self.answers(client, user) else 1)
        RUNNING.set(len(self.servers))

    async def answers(self, client: httpx.AsyncClient, user: str) -> bool:
        """Whether the user's server answers its status within 0.5 s."""
        server = self.servers.get(user)
        if server is None:
            return False
        try:
            url = f"http://127.0.0.1:{server.port}/user/{user}/api/status"
            return (await client.get(url, timeout=0.5)).status_code == 200
        except httpx.HTTPError:
            return False


def hub_app(hub: Hub) -> FastAPI:
    client = httpx.AsyncClient()

    async def checker() -> None:
        while True:
            try:
                await hub.check(client)
            except Exception:  # a check that failed must not end the checking
                logging.exception("check failed")
            await asyncio.sleep(1)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for user in hub.residents:
            hub.spawn(user)
        task = asyncio.create_task(checker())
        yield
        task.cancel()
        for user in list(hub.servers):
            hub.stop(user)

    app = FastAPI(lifespan=lifespan)

    def user_of(request: Request) -> str | None:
        return hub.sessions.get(request.cookies.get(COOKIE, ""))

    @app.get("/hub/login")
    async def login_form() -> HTMLResponse:
        return page(
            "sign in",
            '<form method="post" id="signin"><input name="user"><input name="secret" '
            'type="password"><button id="go">Sign in</button></form>',
        )

    @app.post("/hub/login", response_model=None)
    async def login(user: str = Form(...), secret: str = Form(...)) -> Response:
        if user not in hub.users or not secrets.compare_digest(secret, hub.password):
            return page("sign in", '<p class="refused">Wrong name or password</p>')
        token = secrets.token_urlsafe()
        hub.sessions[token] = user
        response = RedirectResponse("/hub/home", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True)
        return response

    @app.get("/hub/home", response_model=None)
    async def home(request: Request) -> Response:
        user = user_of(request)
        if user is None:
            return RedirectResponse("/hub/login", status_code=303)
        state = "running" if user in hub.servers else "stopped"
        return page(
            "home",
            f'<p>Hello {user}. Your server is <b id="state">{state}</b></p>'
            '<form method="post" action="/hub/spawn"><button id="start">Start</button></form>'
            '<form method="post" action="/hub/stop"><button id="stop">Stop</button></form>',
        )

    @app.post("/hub/spawn", response_model=None)
    async def spawn(request: Request) -> Response:
        user = user_of(request)
        if user is None:
            return RedirectResponse("/hub/login", status_code=303)
        hub.spawn(user)
        poll = (
            "<script>setTimeout(function poll() {"
            "fetch('/hub/api/ready').then(r => r.ok ? location.assign("
            f"'/user/{user}/lab') : setTimeout(poll, 300))"
            ".catch(() => setTimeout(poll, 300)); }, 500);</script>"
        )
        return page("starting", '<p id="progress">Your server is starting...</p>', poll)

    @app.get("/hub/api/ready")
    async def ready(request: Request) -> Response:
        return Response(
            status_code=200 if await hub.answers(client, user_of(request) or "") else 503
        )

    @app.post("/hub/stop", response_model=None)
    async def stop(request: Request) -> Response:
        user = user_of(request)
        if user is not None:
            hub.stop(user)
        return RedirectResponse("/hub/home", status_code=303)

    @app.get("/user/{user}/{path:path}", response_model=None)
    async def proxy(user: str, path: str, request: Request) -> Response:
        server = hub.servers.get(user)
        if user_of(request) != user or server is None:
            return RedirectResponse("/hub/home", status_code=303)
        try:
            url = f"http://127.0.0.1:{server.port}/user/{user}/{path}"
            answer = await client.get(url, timeout=10)
        except httpx.HTTPError:
            return page("unavailable", "<p>Your server is not answering</p>")
        return Response(answer.content, answer.status_code, media_type="text/html")

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    if sys.argv[1:2] == ["singleuser"]:
        singleuser(sys.argv[sys.argv.index("--user") + 1], int(sys.argv[-1]))
    else:
        residents = tuple(filter(None, os.environ.get("HUB_RESIDENTS", "").split(",")))
        hub = Hub(os.environ["HUB_PASSWORD"], residents=residents)
        uvicorn.run(hub_app(hub), host="0.0.0.0", port=8000, log_level="warning")
