"""The stress program run inside a container: CPU workers or a memory hog that end
by themselves after `max_s` seconds (a safety net under the revert), carrying a
marker in their command line so that revert and recover find exactly them."""

from __future__ import annotations

import secrets

PROGRAM = """
import os, sys, time
marker, resource, amount, max_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
deadline = time.monotonic() + max_s
if resource == "cpu":
    for _ in range(amount - 1):
        if os.fork() == 0:
            break
    while time.monotonic() < deadline:
        pass
else:
    hog = bytearray(amount * 1024 * 1024)
    for i in range(0, len(hog), 4096):
        hog[i] = 1
    while time.monotonic() < deadline:
        time.sleep(0.5)
"""

RESOURCES = ("cpu", "memory")


def command(resource: str, amount: int, marker: str, max_s: float) -> list[str]:
    """argv for the container: `python3 -c PROGRAM MARKER RESOURCE AMOUNT MAX_S`."""
    if resource not in RESOURCES:
        raise ValueError(f"unknown resource {resource!r}")
    return ["python3", "-c", PROGRAM, marker, resource, str(amount), f"{max_s:g}"]


def new_marker() -> str:
    """A fresh marker for one fault's stress processes."""
    return f"pagerdrill-stress-{secrets.token_hex(6)}"
