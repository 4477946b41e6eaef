"""The app's cpu-burn hook burns below the app's own threads (sandbox/idp/burner.py):
at equal priority a busy node left the event loop too little CPU to answer a scrape."""

from __future__ import annotations

import os
import threading

from harness.polling import wait_until
from sandbox.idp.burner import BURN_NICE, CpuBurner


def _burning() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "cpu-burn"]


def test_the_burning_threads_run_below_the_apps_own() -> None:
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    burner = CpuBurner()
    burner.ensure(2)
    try:
        assert len(_burning()) == 2

        def niced() -> list[int] | None:
            nices = [os.getpriority(os.PRIO_PROCESS, t.native_id or 0) for t in _burning()]
            return nices if all(n == own + BURN_NICE for n in nices) else None

        wait_until(
            niced, 5, 0.01, expected=f"both threads at nice {own + BURN_NICE}", where="this process"
        )
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own
    finally:
        burner.stop()
    assert not _burning()
