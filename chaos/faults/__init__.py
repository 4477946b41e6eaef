"""The fault catalogue: every kind a drill can name, as a context manager that
yields the injection time and always reverts, with a plan for `--dry-run`::

    ctx = FaultContext(platform, FaultJournal(path), timeline, app_hooks, base_url)
    print(plan(drill.fault, ctx))         # touches nothing
    with inject(drill.fault, ctx) as injected_at:
        ...observe the platform...
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from chaos.faults import app, containers, database, network, orchestrator, resources
from chaos.faults.base import FaultContext, revert
from chaos.journal import JournalEntry
from harness.fault_specs import FaultSpec


@dataclass(frozen=True)
class FaultKind:
    inject: Callable[[Any, FaultContext], AbstractContextManager[float]]
    plan: Callable[[Any, FaultContext], list[str]]


CATALOGUE: dict[str, FaultKind] = {
    "crash-process": FaultKind(containers.inject, containers.plan),
    "kill": FaultKind(containers.inject, containers.plan),
    "stop": FaultKind(containers.inject, containers.plan),
    "pause": FaultKind(containers.inject, containers.plan),
    "network-partition": FaultKind(network.partition, network.plan_partition),
    "network-latency": FaultKind(network.shaping, network.plan_shaping),
    "network-loss": FaultKind(network.shaping, network.plan_shaping),
    "cpu-stress": FaultKind(resources.inject, resources.plan),
    "memory-stress": FaultKind(resources.inject, resources.plan),
    "scale": FaultKind(orchestrator.inject, orchestrator.plan),
    "evict": FaultKind(orchestrator.inject, orchestrator.plan),
    "drain-node": FaultKind(orchestrator.inject, orchestrator.plan),
    "kill-database-primary": FaultKind(database.inject, database.plan),
    "app-error-rate": FaultKind(app.hooks, app.plan_hooks),
    "app-latency": FaultKind(app.hooks, app.plan_hooks),
    "plugin-failure": FaultKind(app.hooks, app.plan_hooks),
    "readiness-failure": FaultKind(app.hooks, app.plan_hooks),
    "liveness-failure": FaultKind(app.hooks, app.plan_hooks),
    "deployment-failure": FaultKind(app.hooks, app.plan_hooks),
    "cache-flush": FaultKind(app.cache_flush, app.plan_cache_flush),
    "brute-force": FaultKind(app.brute_force, app.plan_brute_force),
}


def inject(spec: FaultSpec, ctx: FaultContext) -> AbstractContextManager[float]:
    """The fault a drill names, as a context manager that yields the injection time."""
    return CATALOGUE[spec.kind].inject(spec, ctx)


def plan(spec: FaultSpec, ctx: FaultContext) -> list[str]:
    """What `inject` would do and how it would revert; resolves targets through the
    guards (so a refused target shows here) and changes nothing."""
    return CATALOGUE[spec.kind].plan(spec, ctx)


def recover(ctx: FaultContext) -> list[JournalEntry]:
    """Revert every fault a crashed run left open; returns what was reverted."""
    reverted = []
    for entry in ctx.journal.open_entries():
        revert(ctx, entry)
        ctx.journal.closed(entry)
        reverted.append(entry)
    return reverted


__all__ = ["CATALOGUE", "FaultContext", "inject", "plan", "recover"]
