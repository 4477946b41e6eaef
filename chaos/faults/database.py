"""kill-database-primary: the primary is looked up from the platform (Patroni's
REST API) at injection time, never assumed, and its container killed through the
engine's API, so that failover (not a restart in place) must heal it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chaos.faults.base import FaultContext, injected, journaled
from chaos.faults.registry import register
from chaos.platform import DatabasePrimary, ProcessLifecycle
from harness.fault_specs import KillDatabasePrimaryFault


def plan(spec: KillDatabasePrimaryFault, ctx: FaultContext) -> list[str]:
    primary = ctx.able(DatabasePrimary).database_primary()
    target = ctx.platform.resolve(primary).describe()
    return [
        f"kill {target}, the database primary right now (looked up again at injection)",
        "revert: start it again (it rejoins as a replica)",
    ]


@contextmanager
def inject(spec: KillDatabasePrimaryFault, ctx: FaultContext) -> Iterator[float]:
    primary = ctx.able(DatabasePrimary).database_primary()
    container = ctx.platform.resolve(primary).name
    undo = {"action": "ensure-running", "workload": primary}
    with journaled(ctx, spec.kind, {"workload": primary, "container": container}, undo):
        at = ctx.able(ProcessLifecycle).kill(primary)
        yield injected(ctx, spec.kind, at, workload=primary, role="primary")


register(KillDatabasePrimaryFault, inject=inject, plan=plan)
