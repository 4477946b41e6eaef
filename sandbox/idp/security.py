"""Brute-force blocking: N failed logins from one client within a window block that
client for a while; other clients are unaffected."""

from __future__ import annotations

import time
from collections import deque

from sandbox.idp.metrics import BLOCKED_CLIENTS, CLIENTS_BLOCKED


class BruteForceGuard:
    def __init__(self, max_failures: int, window_s: float, block_s: float) -> None:
        """`max_failures` 0 switches blocking off."""
        self.max_failures = max_failures
        self.window_s = window_s
        self.block_s = block_s
        self._failures: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def is_blocked(self, client: str) -> bool:
        now = time.monotonic()
        self._blocked_until = {c: t for c, t in self._blocked_until.items() if t > now}
        BLOCKED_CLIENTS.set(len(self._blocked_until))
        return client in self._blocked_until

    def record_failure(self, client: str) -> None:
        if self.max_failures <= 0:
            return
        now = time.monotonic()
        failures = self._failures.setdefault(client, deque())
        failures.append(now)
        while failures and failures[0] < now - self.window_s:
            failures.popleft()
        if len(failures) >= self.max_failures:
            self._blocked_until[client] = now + self.block_s
            failures.clear()
            CLIENTS_BLOCKED.inc()
            BLOCKED_CLIENTS.set(len(self._blocked_until))

    def record_success(self, client: str) -> None:
        self._failures.pop(client, None)
