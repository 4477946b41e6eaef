"""The connection-leak fault hook: database connections checked out of the app's
pool and never given back, as a leak in the app's code would; the pool's own
metrics show them in use. Giving them back ends the leak."""

from __future__ import annotations

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool, PoolTimeout

CHECKOUT_TIMEOUT_S = 0.5
"""A checkout waits at most this long (the background loop must go on); a pool
that is busy now gets the rest of the leak on the next round."""


class ConnectionLeak:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self.pool = pool
        self._held: list[AsyncConnection] = []

    async def ensure(self, count: int) -> None:
        """Hold exactly `count` of the pool's connections (0 gives every one back)."""
        while len(self._held) > count:
            await self.pool.putconn(self._held.pop())
        while len(self._held) < count:
            try:
                connection = await self.pool.getconn(timeout=CHECKOUT_TIMEOUT_S)
            except PoolTimeout:
                return  # the pool is busy now: the rest on the next round
            self._held.append(connection)
