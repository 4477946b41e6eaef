"""The catalog cache in Redis, shared by every replica: warmed at start, and kept
warm by the background loop (after a flush the warmer refills it within a
second, before users pay the misses). With Redis unreachable the catalog is served
from the database: slower, but up."""

from __future__ import annotations

import json
from dataclasses import asdict

from redis.asyncio import Redis
from redis.exceptions import RedisError

from sandbox.idp.catalog import Catalog, Template
from sandbox.idp.metrics import CACHE_REQUESTS, CACHE_WARMINGS

TEMPLATES_KEY = "idp:catalog:templates"


class CatalogCache:
    def __init__(self, catalog: Catalog, redis: Redis) -> None:
        self.catalog = catalog
        self.redis = redis

    async def warm(self) -> list[Template]:
        templates = await self.catalog.templates()
        await self.redis.set(TEMPLATES_KEY, json.dumps([asdict(t) for t in templates]))
        CACHE_WARMINGS.inc()
        return templates

    async def keep_warm(self) -> None:
        """The warmer: refill the cache if it was flushed or evicted."""
        if not await self.redis.exists(TEMPLATES_KEY):
            await self.warm()

    async def flush(self) -> None:
        await self.redis.flushdb()

    async def templates(self) -> list[Template]:
        try:
            cached = await self.redis.get(TEMPLATES_KEY)
        except RedisError:
            CACHE_REQUESTS.labels("error").inc()
            return await self.catalog.templates()
        if cached is not None:
            CACHE_REQUESTS.labels("hit").inc()
            return [Template(**t) for t in json.loads(cached)]
        CACHE_REQUESTS.labels("miss").inc()
        return await self.warm()
