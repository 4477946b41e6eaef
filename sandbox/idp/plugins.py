"""The plugin marketplace's health: each plugin answers a health operation, unless a
fault hook makes it fail. Results feed the plugin metrics."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sandbox.idp.catalog import Catalog
from sandbox.idp.hooks import FaultHooks
from sandbox.idp.metrics import PLUGIN_HEALTHY, PLUGIN_OPERATION


@dataclass(frozen=True)
class PluginStatus:
    id: str
    name: str
    version: str
    healthy: bool


async def check_plugins(catalog: Catalog, hooks: FaultHooks) -> list[PluginStatus]:
    statuses = []
    for plugin in await catalog.plugins():
        started = time.monotonic()
        await asyncio.sleep(0.002)  # the health operation itself
        healthy = plugin["id"] not in hooks.failing_plugins
        PLUGIN_OPERATION.labels(plugin["id"]).observe(time.monotonic() - started)
        PLUGIN_HEALTHY.labels(plugin["id"]).set(1 if healthy else 0)
        statuses.append(PluginStatus(plugin["id"], plugin["name"], plugin["version"], healthy))
    return statuses
