"""The cpu-burn fault hook: threads that burn CPU inside the app's own process, a
runaway computation as the process's CPU metric shows it (a stress process beside
the app raises the container's CPU, not the app's). Each thread runs PBKDF2 rounds,
which release the GIL, so the app's event loop keeps serving; the threads compete
for the CPU like any runaway code would (at the lowest priority they got half a
CPU on a 2-core machine: not a runaway any more)."""

from __future__ import annotations

import hashlib
import threading


class CpuBurner:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def ensure(self, count: int) -> None:
        """Exactly `count` burning threads (0 stops them)."""
        if count == len(self._threads):
            return
        self.stop()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=_burn, args=(self._stop,), name="cpu-burn", daemon=True)
            for _ in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads = []


def _burn(stop: threading.Event) -> None:
    while not stop.is_set():
        hashlib.pbkdf2_hmac("sha256", b"pagerdrill", b"cpu-burn", 20_000)
