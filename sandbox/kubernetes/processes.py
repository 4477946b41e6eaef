"""Host processes of the cluster: started detached with a pid file and a log each,
stopped with SIGTERM then SIGKILL."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from sandbox.kubernetes.components import Component
from sandbox.kubernetes.layout import Layout


class ClusterError(Exception):
    """The cluster could not be brought up or down; the message names the component,
    what it expected and the tail of its log."""


def _pid_file(layout: Layout, name: str) -> Path:
    return layout.run / "pids" / f"{name}.pid"


def pid_of(layout: Layout, name: str) -> int | None:
    """The component's pid if its process is alive."""
    try:
        pid = int(_pid_file(layout, name).read_text())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    return None if state == "Z" else pid


def log_tail(layout: Layout, name: str, lines: int = 15) -> str:
    path = layout.logs / f"{name}.log"
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def start(layout: Layout, component: Component, timeout: float = 90.0) -> None:
    if pid_of(layout, component.name) is not None:
        return
    layout.logs.mkdir(parents=True, exist_ok=True)
    _pid_file(layout, component.name).parent.mkdir(parents=True, exist_ok=True)
    log = (layout.logs / f"{component.name}.log").open("ab")
    process = subprocess.Popen(
        component.argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    _pid_file(layout, component.name).write_text(str(process.pid))
    _await_ready(layout, component, process, timeout)


def _await_ready(
    layout: Layout, component: Component, process: subprocess.Popen[bytes], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    last = "not started"
    with httpx.Client(verify=str(layout.pki / "ca.crt"), timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ClusterError(
                    f"{component.name} exited with {process.returncode}; its log ends:\n"
                    + log_tail(layout, component.name)
                )
            if component.ready_url is None:
                time.sleep(1.0)
                if process.poll() is None:
                    return
                continue
            try:
                answer = client.get(component.ready_url)
                if answer.status_code == 200:
                    return
                last = f"HTTP {answer.status_code}"
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.5)
    raise ClusterError(
        f"{component.name} not ready at {component.ready_url} within {timeout:g} s "
        f"(last: {last}); its log ends:\n{log_tail(layout, component.name)}"
    )


def stop(layout: Layout, name: str, grace: float = 10.0) -> bool:
    """True if a process was running."""
    pid = pid_of(layout, name)
    if pid is None:
        _pid_file(layout, name).unlink(missing_ok=True)
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and pid_of(layout, name) is not None:
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    _pid_file(layout, name).unlink(missing_ok=True)
    return True
