"""PostgreSQL persistence of the catalog: software templates, the components created
from them, their deployments, and the plugin marketplace."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from sandbox.idp.metrics import DB_QUERY

SCHEMA = """
CREATE TABLE IF NOT EXISTS templates (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
    parameters JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS components (
    name TEXT PRIMARY KEY, owner TEXT NOT NULL, template_id TEXT NOT NULL REFERENCES templates(id),
    parameters JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS deployments (
    id BIGSERIAL PRIMARY KEY, component TEXT NOT NULL REFERENCES components(name),
    environment TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
    message TEXT NOT NULL DEFAULT '', created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS plugins (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL
);
"""

SEED_TEMPLATES = [
    (
        "python-service",
        "Python service",
        "A FastAPI service with CI and monitoring",
        ["language_version", "port"],
    ),
    ("node-frontend", "Node.js frontend", "A React frontend served by nginx", ["node_version"]),
    ("data-pipeline", "Data pipeline", "A scheduled batch job with a warehouse sink", ["schedule"]),
]
SEED_PLUGINS = [
    ("catalog-import", "Catalog import", "1.4.2"),
    ("ci-status", "CI status", "2.0.1"),
    ("cost-insights", "Cost insights", "0.9.0"),
    ("security-scan", "Security scan", "3.2.0"),
]
DEPLOYMENT_STATES = ("pending", "running", "deployed", "failed")


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    description: str
    parameters: list[str]


class Catalog:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self.pool = pool

    async def migrate(self) -> None:
        async with self.pool.connection() as conn:
            await conn.execute(SCHEMA)
            for template_id, name, description, parameters in SEED_TEMPLATES:
                await conn.execute(
                    "INSERT INTO templates VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    (template_id, name, description, json.dumps(parameters)),
                )
            for plugin in SEED_PLUGINS:
                await conn.execute(
                    "INSERT INTO plugins VALUES (%s, %s, %s) ON CONFLICT (id) DO NOTHING", plugin
                )

    async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with DB_QUERY.labels(sql.split(None, 1)[0].lower()).time():
            async with self.pool.connection() as conn:
                cur = conn.cursor(row_factory=dict_row)
                await cur.execute(sql, params)
                return await cur.fetchall()

    async def templates(self) -> list[Template]:
        rows = await self._rows("SELECT * FROM templates ORDER BY name")
        return [Template(r["id"], r["name"], r["description"], list(r["parameters"])) for r in rows]

    async def components(self) -> list[dict[str, Any]]:
        return await self._rows("SELECT * FROM components ORDER BY created_at DESC")

    async def component(self, name: str) -> dict[str, Any] | None:
        rows = await self._rows("SELECT * FROM components WHERE name = %s", (name,))
        return rows[0] if rows else None

    async def create_component(
        self, name: str, owner: str, template_id: str, parameters: dict[str, str]
    ) -> bool:
        """False when the name is taken."""
        rows = await self._rows(
            "INSERT INTO components (name, owner, template_id, parameters)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO NOTHING RETURNING name",
            (name, owner, template_id, json.dumps(parameters)),
        )
        return bool(rows)

    async def create_deployment(self, component: str, environment: str) -> int:
        rows = await self._rows(
            "INSERT INTO deployments (component, environment) VALUES (%s, %s) RETURNING id",
            (component, environment),
        )
        return int(rows[0]["id"])

    async def deployment(self, deployment_id: int) -> dict[str, Any] | None:
        rows = await self._rows("SELECT * FROM deployments WHERE id = %s", (deployment_id,))
        return rows[0] if rows else None

    async def deployments(self, component: str) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT * FROM deployments WHERE component = %s ORDER BY id DESC", (component,)
        )

    async def unfinished_deployments(self) -> list[int]:
        rows = await self._rows(
            "SELECT id FROM deployments WHERE status IN ('pending', 'running') ORDER BY id"
        )
        return [int(r["id"]) for r in rows]

    async def set_deployment_status(self, deployment_id: int, status: str, message: str) -> None:
        assert status in DEPLOYMENT_STATES
        await self._rows(
            "UPDATE deployments SET status = %s, message = %s, updated_at = now()"
            " WHERE id = %s RETURNING id",
            (status, message, deployment_id),
        )

    async def plugins(self) -> list[dict[str, Any]]:
        return await self._rows("SELECT * FROM plugins ORDER BY name")
