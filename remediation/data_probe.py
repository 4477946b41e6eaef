"""Probe writes through a failover: one row per tick into the target's probe table,
each counted as acknowledged once its commit returned. Afterwards: when writes
worked again (RTO) and whether every acknowledged row survived (RPO 0). Bounded in
rows and time; the run's rows are deleted at the end."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from pydantic import SecretStr

from harness import clock
from harness.closing import Closing
from harness.errors import InfrastructureError
from harness.target import DataProbeConfig

TICK_S = 0.05
MAX_ROWS = 20_000
MAX_DURATION_S = 900.0


@dataclass
class ProbeLog:
    acknowledged: list[tuple[int, float]] = field(default_factory=list)
    failed_at: list[float] = field(default_factory=list)


class ProbeWriter(Closing):
    def __init__(self, config: DataProbeConfig, password: SecretStr | None, run_id: str) -> None:
        self.config = config
        self._kwargs: dict[str, Any] = {"connect_timeout": 2, "autocommit": True}
        if password is not None:
            self._kwargs["password"] = password.get_secret_value()
        self.run_id = run_id
        self.log = ProbeLog()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._table = sql.Identifier(config.table)
        self._thread = threading.Thread(target=self._write, name="probe-writer", daemon=True)

    def _connect(self, **overrides: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(self.config.url, **{**self._kwargs, **overrides})

    def start(self) -> ProbeWriter:
        """Create the table if needed and start writing; refuses if the database does
        not answer now (the drill then touches nothing)."""
        try:
            with self._connect() as conn:
                conn.execute(
                    sql.SQL(
                        "CREATE TABLE IF NOT EXISTS {} (run_id text NOT NULL, seq bigint NOT NULL,"
                        " written_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run_id, seq))"
                    ).format(self._table)
                )
        except psycopg.Error as exc:  # `from None`: psycopg's frames hold the password
            raise InfrastructureError(
                f"data probe: cannot create table {self.config.table}: {type(exc).__name__}: {exc}"
            ) from None
        self._thread.start()
        return self

    def _write(self) -> None:
        conn: psycopg.Connection[Any] | None = None
        deadline = time.monotonic() + MAX_DURATION_S
        insert = sql.SQL("INSERT INTO {} (run_id, seq) VALUES (%s, %s)").format(self._table)
        for seq in range(MAX_ROWS):
            if self._stop.is_set() or time.monotonic() > deadline:
                break
            try:
                conn = conn or self._connect()
                conn.execute(insert, (self.run_id, seq))
                with self._lock:
                    self.log.acknowledged.append((seq, clock.now()))
            except psycopg.Error:
                with self._lock:
                    self.log.failed_at.append(clock.now())
                if conn is not None:
                    conn.close()
                conn = None
                self._stop.wait(0.2)
            self._stop.wait(TICK_S)
        if conn is not None:
            conn.close()

    def writes_back_after(self, since: float) -> float | None:
        """The first acknowledged write after the first failure since `since` (the
        first write at all if none failed)."""
        with self._lock:
            failures = [t for t in self.log.failed_at if t >= since]
            start = failures[0] if failures else since
            return next((at for _, at in self.log.acknowledged if at > start), None)

    def failures_since(self, since: float) -> int:
        with self._lock:
            return len([t for t in self.log.failed_at if t >= since])

    def lost_rows(self) -> tuple[int, list[int]]:
        """(acknowledged, the acknowledged ones missing now). Stops writing first. Reads
        from the primary, else (no primary: failover failed) from any member, since a
        synchronous standby holds every acknowledged commit."""
        self.stop()
        with self._lock:
            acknowledged = {seq for seq, _ in self.log.acknowledged}
        select = sql.SQL("SELECT seq FROM {} WHERE run_id = %s").format(self._table)
        problems = []
        for attrs in ("read-write", "any"):
            try:
                with self._connect(target_session_attrs=attrs) as conn:
                    present = {row[0] for row in conn.execute(select, (self.run_id,))}
            except psycopg.Error as exc:
                problems.append(f"{attrs}: {type(exc).__name__}: {exc}")
                continue
            return len(acknowledged), sorted(acknowledged - present)
        raise InfrastructureError(  # `from None`: psycopg's frames hold the password
            f"data probe: cannot read the probe rows back: {'; '.join(problems)}"
        ) from None

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def close(self) -> None:
        self.stop()
        try:
            with self._connect() as conn:
                delete = sql.SQL("DELETE FROM {} WHERE run_id = %s").format(self._table)
                conn.execute(delete, (self.run_id,))
        except psycopg.Error:
            pass  # best effort: rows of a run are harmless, and keyed by its id
