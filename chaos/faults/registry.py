"""One registration per fault kind: its spec model (harness/fault_specs.py: kind,
what it acts on, the capabilities it needs, its description) and its
implementation (inject as a context manager, plan for `--dry-run`). A fault
module registers its kinds where it defines them::

    register(DiskFillFault, inject=fill, plan=plan_fill)
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from chaos.faults.base import FaultContext, held_for
from harness.fault_specs import FaultSpecBase


@dataclass(frozen=True)
class FaultKind:
    spec: type[FaultSpecBase]
    inject: Callable[[Any, FaultContext], AbstractContextManager[float]]
    plan: Callable[[Any, FaultContext], list[str]]


CATALOGUE: dict[str, FaultKind] = {}


def kind_of(spec: type[FaultSpecBase]) -> str:
    """The `kind:` a drill file gives this spec."""
    return str(typing.get_args(spec.model_fields["kind"].annotation)[0])


def register(
    spec: type[FaultSpecBase],
    *,
    inject: Callable[[Any, FaultContext], AbstractContextManager[float]],
    plan: Callable[[Any, FaultContext], list[str]],
) -> None:
    kind = kind_of(spec)
    if kind in CATALOGUE:
        raise RuntimeError(f"fault kind {kind} is registered twice")
    CATALOGUE[kind] = FaultKind(spec, inject, plan)


def inject_one(spec: FaultSpecBase, ctx: FaultContext) -> AbstractContextManager[float]:
    """The fault as a context manager that yields the injection time; with a `hold`,
    it stays in place that long after injection (less only on an error or Ctrl-C)."""
    fault = CATALOGUE[kind_of(type(spec))].inject(spec, ctx)
    return fault if spec.hold is None else held_for(fault, spec.hold)


def plan_one(spec: FaultSpecBase, ctx: FaultContext) -> list[str]:
    """What `inject_one` would do and how it would revert; changes nothing."""
    steps = CATALOGUE[kind_of(type(spec))].plan(spec, ctx)
    if spec.hold is not None:
        steps.append(f"hold: in place {spec.hold:g} s after injection, then reverted")
    return steps
