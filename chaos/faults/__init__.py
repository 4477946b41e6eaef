"""The fault catalogue: every kind a drill can name, as a context manager that
yields the injection time and always reverts, with a plan for `--dry-run`::

    ctx = FaultContext(platform, FaultJournal(path), timeline, app_hooks, base_url)
    print(plan(drill.fault, ctx))         # touches nothing
    with inject(drill.fault, ctx) as injected_at:
        ...observe the platform...

Each module of this package registers its kinds (chaos/faults/registry.py); they
are all imported here, so adding a fault kind adds a module and touches no list.
"""

from __future__ import annotations

import importlib
import pkgutil
import typing
from contextlib import AbstractContextManager

from chaos.faults.base import FaultContext, revert
from chaos.faults.registry import CATALOGUE, inject_one, kind_of, plan_one
from harness.fault_specs import FaultSpec, FaultSpecBase
from harness.journal import JournalEntry

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

_SPECS: tuple[type[FaultSpecBase], ...] = typing.get_args(typing.get_args(FaultSpec)[0])
_unregistered = sorted({kind_of(s) for s in _SPECS} - set(CATALOGUE))
if _unregistered:  # a spec a drill can name but nothing can inject: a programming error
    raise RuntimeError(f"fault kinds without an implementation: {', '.join(_unregistered)}")


def inject(spec: FaultSpec, ctx: FaultContext) -> AbstractContextManager[float]:
    """The fault a drill names, as a context manager that yields the injection time;
    with a `hold`, it stays in place that long after injection (less only on an error
    or Ctrl-C)."""
    return inject_one(spec, ctx)


def plan(spec: FaultSpec, ctx: FaultContext) -> list[str]:
    """What `inject` would do and how it would revert; resolves targets through the
    guards (so a refused target shows here) and changes nothing."""
    return plan_one(spec, ctx)


def recover(ctx: FaultContext) -> list[JournalEntry]:
    """Revert every fault a crashed run left open; returns what was reverted."""
    reverted = []
    for entry in ctx.journal.open_entries():
        revert(ctx, entry)
        ctx.journal.closed(entry)
        reverted.append(entry)
    return reverted


__all__ = ["CATALOGUE", "FaultContext", "inject", "plan", "recover"]
