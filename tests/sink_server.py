"""The sink served on a loopback port (uvicorn in a thread), for the tests of the sink
and of what talks to it (the incident automation, the readers)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from uvicorn._types import ASGIApplication

from sandbox.sink.http import SinkConfig, create_app

TOKEN = "read-token-1234"
READ = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def served_sink(**config: object) -> Iterator[httpx.Client]:
    """The sink with the read token TOKEN (and `config`), and a client of it."""
    app = create_app(SinkConfig(**{"read_token": TOKEN, **config}))  # type: ignore[arg-type]
    with served(app) as client:
        yield client


@contextmanager
def served(app: ASGIApplication) -> Iterator[httpx.Client]:
    """`app` on a free loopback port, and a client of it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)
