"""The cpu-burn fault hook: threads that burn CPU inside the app's own process, a
runaway computation as the process's CPU metric shows it (a stress process beside
the app raises the container's CPU, not the app's). Each thread runs PBKDF2 rounds,
which release the GIL, so the app's event loop keeps serving.

The threads run 10 nice levels below the app's own. A thread's nice weighs only
against the other threads of its cgroup: the container's CPU share against other
containers is unchanged, so the burn still takes all the CPU the app is given. At
equal priority, when the node was busy (on Kubernetes the autoscaler's new pods
starting beside the burn) the event loop got a third of the pod's CPU and one scrape
took 1.1 s, past the fast profile's 1 s timeout: a failed scrape pages IDPDown."""

from __future__ import annotations

import hashlib
import os
import threading

BURN_NICE = 10
"""How far below the app's own threads the burn runs."""


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
    me = threading.get_native_id()  # a thread's own nice, inherited from the app's
    os.setpriority(os.PRIO_PROCESS, me, os.getpriority(os.PRIO_PROCESS, me) + BURN_NICE)
    while not stop.is_set():
        hashlib.pbkdf2_hmac("sha256", b"pagerdrill", b"cpu-burn", 20_000)
