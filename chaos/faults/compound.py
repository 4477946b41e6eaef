"""compound: several faults at once. Each step's fault is injected `after` seconds
after the first (the drill waits for it, interruptibly) and all stay in place until
the compound is left; they are reverted in reverse order, each by its own `with`
block, so an error or Ctrl-C while later steps go in still reverts the earlier
ones. The injection time of the compound is the first fault's: deadlines count
from it. Each step journals itself, as it would alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from chaos.faults.base import FaultContext
from chaos.faults.registry import inject_one, kind_of, plan_one, register
from harness import clock
from harness.fault_specs import CompoundFault


def plan(spec: CompoundFault, ctx: FaultContext) -> list[str]:
    steps = []
    for step in spec.steps:
        kind = kind_of(type(step.fault))
        steps += [f"+{step.after:g} s {kind}: {line}" for line in plan_one(step.fault, ctx)]
    return [*steps, "revert: every step's revert, the last step's first"]


@contextmanager
def compound(spec: CompoundFault, ctx: FaultContext) -> Iterator[float]:
    with ExitStack() as stack:
        started = clock.monotonic()
        first: float | None = None
        for step in spec.steps:
            waiting = step.after - (clock.monotonic() - started)
            if waiting > 0:
                threading.Event().wait(waiting)  # Ctrl-C ends it: the earlier steps revert
            at = stack.enter_context(inject_one(step.fault, ctx))
            first = at if first is None else first
        assert first is not None  # at least two steps
        yield first


register(CompoundFault, inject=compound, plan=plan)
