"""What the sandbox's webhook receivers of Alertmanager share (the SMS relay, the
incident automation): a liveness probe, their Prometheus metrics, and how they are
served (uvicorn on all interfaces, the port from an environment variable)."""

from __future__ import annotations

import os

import uvicorn
from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response


def add_probes(app: FastAPI) -> None:
    """`GET /healthz` and `GET /metrics`."""

    @app.get("/healthz")
    async def healthz() -> str:
        return "ok"

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def serve(app: FastAPI, port_variable: str) -> None:
    """Serve `app` on all interfaces, on `$port_variable` (8080 when unset)."""
    port = int(os.environ.get(port_variable, "8080"))
    uvicorn.run(app, host="0.0.0.0", port=port, log_level="warning")
