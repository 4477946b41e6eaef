"""Brute-force blocking: N failed logins from one client within a window block that
client for a while; other clients are unaffected. The state lives in Redis, so
every replica behind the proxy counts the same failures and honours the same
blocks. A sign-in that succeeds one failure short of a block is counted as
suspicious (a guessed password looks exactly like that)."""

from __future__ import annotations

import time
import uuid

from redis.asyncio import Redis

from sandbox.idp.metrics import BLOCKED_CLIENTS, CLIENTS_BLOCKED, SUSPICIOUS_SIGN_INS

_FAILURES = "idp:brute-force:failures:"
_BLOCKED = "idp:brute-force:blocked:"


class BruteForceGuard:
    def __init__(self, redis: Redis, max_failures: int, window_s: int, block_s: int) -> None:
        """`max_failures` 0 switches blocking off."""
        self.redis = redis
        self.max_failures = max_failures
        self.window_s = window_s
        self.block_s = block_s

    async def is_blocked(self, client: str) -> bool:
        return bool(await self.redis.exists(_BLOCKED + client))

    async def _recent_failures(self, client: str, now: float) -> int:
        key = _FAILURES + client
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(key, 0, now - self.window_s)
            pipe.zcard(key)
            _, count = await pipe.execute()
        return int(count)

    async def record_failure(self, client: str) -> None:
        if self.max_failures <= 0:
            return
        now, key = time.time(), _FAILURES + client
        await self.redis.zadd(key, {uuid.uuid4().hex: now})
        await self.redis.expire(key, self.window_s)
        if await self._recent_failures(client, now) >= self.max_failures:
            await self.redis.set(_BLOCKED + client, "1", ex=self.block_s)
            await self.redis.delete(key)
            CLIENTS_BLOCKED.inc()

    async def record_success(self, client: str) -> None:
        if self.max_failures > 1 and (
            await self._recent_failures(client, time.time()) >= self.max_failures - 1
        ):
            SUSPICIOUS_SIGN_INS.inc()
        await self.redis.delete(_FAILURES + client)

    async def count_blocked(self) -> int:
        """Clients blocked now (for the gauge, from the background loop)."""
        blocked = [key async for key in self.redis.scan_iter(match=_BLOCKED + "*", count=500)]
        BLOCKED_CLIENTS.set(len(blocked))
        return len(blocked)
