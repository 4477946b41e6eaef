"""database-lock: one session of pagerdrill's takes a table lock in the target's
database (its `data_probe` connection) and holds it, open in a transaction, for the
fault's `hold`; every query that needs the table waits. Leaving the fault rolls the
transaction back (the lock goes with it). The session is named, so `pagerdrill
recover` ends the sessions a crashed run left; one pagerdrill could not end (a
frozen process) the database ends itself, a minute after the hold
(`idle_in_transaction_session_timeout`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from chaos.faults.base import FaultContext, injected, journaled, revert_action
from chaos.faults.registry import register
from harness import clock
from harness.errors import FaultInjectionError, FaultRevertError
from harness.fault_specs import DatabaseLockFault

SESSION_NAME = "pagerdrill-database-lock"
"""The application_name of the locking session, how recover finds it."""
LOCK_TIMEOUT_S = 5
"""Taking the lock waits at most this long for the queries holding the table now."""
SELF_END_AFTER_S = 60
"""The database ends the session itself this long after the hold."""


def _connect(ctx: FaultContext, **options: Any) -> psycopg.Connection[Any]:
    config, password = ctx.database_connection()
    if password is not None:
        options["password"] = password.get_secret_value()
    return psycopg.connect(config.url, connect_timeout=2, **options)


def plan(spec: DatabaseLockFault, ctx: FaultContext) -> list[str]:
    config, _ = ctx.database_connection()
    where = config.url.split("@")[-1].split("?")[0]
    return [
        f"lock table {spec.table} in {spec.mode} mode at {where}, held {spec.hold:g} s "
        f"in an open transaction (session {SESSION_NAME})",
        "revert: roll the transaction back (the lock goes with it)",
    ]


@contextmanager
def lock(spec: DatabaseLockFault, ctx: FaultContext) -> Iterator[float]:
    undo = {"action": "end-lock-sessions"}
    with journaled(ctx, spec.kind, {"table": spec.table, "mode": spec.mode}, undo):
        try:
            session = _connect(ctx, application_name=SESSION_NAME)
        except psycopg.Error as exc:  # `from None`: psycopg's frames hold the password
            raise FaultInjectionError(
                f"cannot connect to lock table {spec.table}: {type(exc).__name__}: {exc}"
            ) from None
        try:
            session.execute(
                sql.SQL("SET lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT_S * 1000))
            )
            idle_limit = int((spec.hold + SELF_END_AFTER_S) * 1000)
            session.execute(
                sql.SQL("SET idle_in_transaction_session_timeout = {}").format(
                    sql.Literal(idle_limit)
                )
            )
            statement = sql.SQL("LOCK TABLE {} IN {} MODE").format(
                sql.Identifier(spec.table), sql.SQL(spec.mode.upper())
            )
            session.execute(statement)
        except psycopg.Error as exc:
            session.close()
            raise FaultInjectionError(
                f"cannot lock table {spec.table}: {type(exc).__name__}: {exc}"
            ) from None
        try:
            yield injected(ctx, spec.kind, clock.now(), table=spec.table, mode=spec.mode)
        finally:
            session.close()  # the open transaction is rolled back: the lock goes


@revert_action("end-lock-sessions")
def _end_lock_sessions(ctx: FaultContext, params: dict[str, Any]) -> None:
    """End every locking session pagerdrill left open (its lock goes with it)."""
    try:
        with _connect(ctx, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s AND pid <> pg_backend_pid()",
                (SESSION_NAME,),
            )
    except psycopg.Error as exc:  # `from None`: psycopg's frames hold the password
        raise FaultRevertError(f"cannot end the locking sessions: {exc}") from None


register(DatabaseLockFault, inject=lock, plan=plan)
