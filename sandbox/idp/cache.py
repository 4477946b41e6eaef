"""The catalog cache: templates served from memory, warmed at start and after a flush."""

from __future__ import annotations

from sandbox.idp.catalog import Catalog, Template
from sandbox.idp.metrics import CACHE_REQUESTS


class CatalogCache:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._templates: list[Template] | None = None

    async def warm(self) -> None:
        self._templates = await self.catalog.templates()

    def flush(self) -> None:
        self._templates = None

    async def templates(self) -> list[Template]:
        if self._templates is not None:
            CACHE_REQUESTS.labels("hit").inc()
            return self._templates
        CACHE_REQUESTS.labels("miss").inc()
        await self.warm()
        assert self._templates is not None
        return self._templates
