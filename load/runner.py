"""Locust in a subprocess (never imported here: it monkey-patches the process),
headless, bounded by time and request count, its live stats written to the
drill's timeline every second, its final stats returned as a LoadResult::

    with LoadRunner(spec, target, timeline, workdir) as load:
        ...inject the fault, await recovery...
        result = load.stop()
"""

from __future__ import annotations

import ast
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from harness import clock
from harness.closing import Closing
from harness.errors import GuardRefused, InfrastructureError
from harness.events import EventKind
from harness.load_results import LoadResult
from harness.load_specs import LoadSpec
from harness.polling import wait_until
from harness.timeline import Timeline
from load import stats
from load.credentials import environment as credential_environment
from load.kubernetes_workers import WorkerPods

log = logging.getLogger("pagerdrill.load")
REPO = Path(__file__).resolve().parents[1]
SHAPE_FILE = Path(__file__).parent / "locustfiles" / "drill_shape.py"
STOP_GRACE_S = 15.0
WORKERS_WAIT_S = 90.0
"""How long the master waits for its worker pods to connect (scheduled, started)."""


def check_host(base_url: str, allowed_hosts: list[str]) -> None:
    host = urlsplit(base_url).hostname or ""
    if host not in allowed_hosts:
        raise GuardRefused(
            f"load would go to {host}, which is not in the target's load.allowed_hosts "
            f"({', '.join(allowed_hosts)})"
        )


def find_locustfile(path: Path, target_dir: Path) -> Path:
    """The locustfile, absolute: as given, next to the target file, or pagerdrill's
    own (the reference IDP's); ValueError naming where it looked."""
    candidates = [path] if path.is_absolute() else [target_dir / path, REPO / path]
    found = next((c.resolve() for c in candidates if c.is_file()), None)
    if found is None:
        raise ValueError(f"no locustfile at {' or '.join(map(str, candidates))}")
    return found


def check_user_classes(locustfile: Path, names: list[str]) -> None:
    """ValueError unless `locustfile` defines every class `names` lists."""
    try:
        tree = ast.parse(locustfile.read_text(), str(locustfile))
    except SyntaxError as exc:
        raise ValueError(f"{locustfile}:{exc.lineno}: not Python: {exc.msg}") from exc
    defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    missing = [name for name in names if name not in defined]
    if missing:
        raise ValueError(
            f"{locustfile} defines no class {', '.join(missing)}; it defines: "
            + (", ".join(sorted(defined)) or "none")
        )


def _await_group_gone(pgid: int) -> None:
    """Locust's forked workers outlive the master by a moment; none may outlive the run."""
    deadline = clock.monotonic() + STOP_GRACE_S
    while clock.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


class LoadRunner(Closing):
    def __init__(
        self,
        spec: LoadSpec,
        base_url: str,
        credentials: tuple[str, SecretStr],
        timeline: Timeline,
        workdir: Path,
        *,
        workers: WorkerPods | None = None,
    ) -> None:
        self.spec = spec
        self.workers = workers
        """Worker pods of the cluster: then Locust here is their master only."""
        self.base_url = base_url
        self.credentials = credentials
        self.timeline = timeline
        self.prefix = workdir / "locust"
        self.workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._stopped_by = "shape end"
        self._watcher = threading.Thread(target=self._watch, name="load-stats", daemon=True)
        self._result: LoadResult | None = None
        self.started_at = 0.0

    def __enter__(self) -> LoadRunner:
        self.workdir.mkdir(parents=True, exist_ok=True)
        # A previous run's statistics in the same folder would read as this run's
        # (its users "reached" hours ago): start from none.
        for stale in self.workdir.glob(f"{self.prefix.name}_*.csv"):
            stale.unlink()
        env = {
            **os.environ,
            "PAGERDRILL_LOAD_SHAPE": self.spec.shape.model_dump_json(),
            **credential_environment(*self.credentials),  # the child's environment only
        }
        argv = [
            # the master gets SIGTERM when pagerdrill dies, even by SIGKILL (it runs in a
            # process group of its own, which a crashed run's kill does not reach); it
            # then stops its local workers and tells worker pods to quit
            "setpriv", "--pdeathsig", "TERM",
            sys.executable, "-m", "locust",
            "-f", f"{find_locustfile(self.spec.locustfile, REPO)},{SHAPE_FILE}",
            "--headless", "--host", self.base_url,
            "--csv", str(self.prefix), "--csv-full-history",
            "--run-time", f"{self.spec.max_duration:.0f}s",
            "--stop-timeout", "5", "--exit-code-on-error", "0",
            "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        if self.workers is not None:
            argv += [
                "--master", "--expect-workers", str(self.workers.count),
                "--expect-workers-max-wait", f"{WORKERS_WAIT_S:.0f}",
                "--master-bind-host", self.workers.master_address,
                "--master-bind-port", str(self.workers.port),
            ]  # fmt: skip
        elif self.spec.processes > 1:
            argv += ["--processes", str(self.spec.processes)]
        argv += self.spec.user_classes
        output = (self.workdir / "locust.log").open("wb")
        self.started_at = clock.now()
        self._process = subprocess.Popen(
            argv, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        output.close()
        if self.workers is not None:
            try:
                self.workers.start()
            except BaseException:
                self._signal("worker pods not created")
                self._process.wait()
                raise
        self.timeline.record(
            EventKind.LOAD_STARTED,
            at=self.started_at,
            shape=self.spec.shape.kind,
            processes=self.spec.processes,
            worker_pods=0 if self.workers is None else self.workers.count,
            pid=self._process.pid,
        )
        self._watcher.start()
        return self

    def close(self) -> None:
        self.stop()

    def wait_for_users(self, users: int, timeout: float) -> float:
        """When Locust first reported at least `users` users (its own timestamp)."""
        return self._first_report(lambda r: r.users >= users, f"{users} load users", timeout)

    def wait_for_traffic(self, users: int, timeout: float) -> float:
        """When Locust first reported `users` users and requests they made: a fault
        injected after it meets the load flowing, not users still signing in (worker
        pods report to the master every 3 s)."""
        return self._first_report(
            lambda r: r.users >= users and r.total_requests > 0,
            f"{users} load users making requests",
            timeout,
        )

    def _first_report(
        self, reached: Callable[[stats.HistoryRow], bool], expected: str, timeout: float
    ) -> float:
        def found() -> float | None:
            rows = stats.history(self.prefix)
            return next((float(r.at) for r in rows if reached(r)), None)

        return wait_until(
            found,
            timeout,
            interval=0.5,
            expected=expected,
            where="Locust's live statistics",
            hint=f"see {self.workdir / 'locust.log'}",
        )

    def _watch(self) -> None:
        seen = 0
        while not self._stopping.wait(1.0):
            rows = stats.history(self.prefix)
            for row in rows[seen:]:
                self.timeline.record(
                    EventKind.LOAD_STATS,
                    at=row.at,
                    users=row.users,
                    requests_per_s=round(row.requests_per_s, 1),
                    failures_per_s=round(row.failures_per_s, 1),
                    p95_s=row.p95_s,
                    total_requests=row.total_requests,
                )
            seen = len(rows)
            if rows and rows[-1].total_requests >= self.spec.max_requests:
                self._signal("max_requests")
            # Locust ignores --run-time when a shape class runs (it says so): the bound
            # in time is kept here
            if clock.now() - self.started_at >= self.spec.max_duration:
                self._signal("max_duration")
            process = self._process
            if process is not None and process.poll() is not None:
                return

    def _signal(self, reason: str) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        self._stopped_by = reason
        log.debug("stopping Locust (%s)", reason)
        os.killpg(process.pid, signal.SIGTERM)  # master and its forked workers

    def wait(self, timeout: float) -> bool:
        """Wait for the shape to end by itself; True if it did."""
        if self._process is None:
            return True
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> LoadResult:
        """Stop Locust if it still runs (SIGTERM, then SIGKILL after a grace period)
        and read its final statistics; idempotent."""
        if self._result is not None:
            return self._result
        process = self._process
        if process is None:
            raise InfrastructureError("the load never started")
        if process.poll() is None:
            elapsed = clock.now() - self.started_at
            self._signal("max_duration" if elapsed >= self.spec.max_duration else "drill end")
            try:
                process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        _await_group_gone(process.pid)
        if self.workers is not None:
            self.workers.close()
        self._stopping.set()
        if self._watcher.is_alive():
            self._watcher.join(timeout=5)
        self._result = self._read_result()
        self.timeline.record(EventKind.LOAD_STOPPED, stopped_by=self._stopped_by)
        return self._result

    def _read_result(self) -> LoadResult:
        total, endpoints = stats.final_stats(self.prefix)
        if total.requests == 0 and not endpoints:
            tail = (self.workdir / "locust.log").read_text(errors="replace")[-1500:].strip()
            raise InfrastructureError(f"Locust produced no statistics: {tail or 'no output'}")
        rows = stats.history(self.prefix)
        return LoadResult(
            duration_s=clock.now() - self.started_at,
            total=total,
            endpoints=tuple(endpoints),
            errors=tuple(stats.errors(self.prefix)),
            stopped_by=self._stopped_by,
            peak_users=max((r.users for r in rows), default=0),
        )
