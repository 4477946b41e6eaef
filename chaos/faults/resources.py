"""Resource faults: CPU and memory stress inside the container, by processes that
carry the fault's id (so revert and recover kill exactly them) and end by
themselves after `max_duration`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chaos.faults.base import FaultContext, injected, journaled, revert_action
from chaos.faults.registry import register
from chaos.platform import ResourceStress
from chaos.stress import new_marker
from harness.fault_specs import CpuStressFault, MemoryStressFault

StressFault = CpuStressFault | MemoryStressFault


@revert_action("stop-stress")
def _stop_stress(ctx: FaultContext, params: dict[str, Any]) -> None:
    ctx.able(ResourceStress).stop_stress(params["workload"], params["marker"])


def _resource(spec: StressFault) -> tuple[str, int, str]:
    if isinstance(spec, CpuStressFault):
        return "cpu", spec.workers, f"{spec.workers} busy CPU workers"
    return "memory", spec.megabytes, f"{spec.megabytes} MiB of touched memory"


def plan(spec: StressFault, ctx: FaultContext) -> list[str]:
    target = ctx.platform.resolve(spec.workload).describe()
    _, _, what = _resource(spec)
    return [
        f"start {what} in {target} (python3 in the container; ends by itself after "
        f"{spec.max_duration:g} s)",
        "revert: kill the stress processes",
    ]


@contextmanager
def inject(spec: StressFault, ctx: FaultContext) -> Iterator[float]:
    workload = spec.workload
    container = ctx.platform.resolve(workload).name
    resource, amount, _ = _resource(spec)
    marker = new_marker()
    undo = {"action": "stop-stress", "workload": workload, "marker": marker}
    with journaled(ctx, spec.kind, {"workload": workload, "container": container}, undo):
        stress = ctx.able(ResourceStress)
        at = stress.start_stress(workload, resource, amount, marker, spec.max_duration)
        yield injected(ctx, spec.kind, at, workload=workload, resource=resource, amount=amount)


for _spec in (CpuStressFault, MemoryStressFault):
    register(_spec, inject=inject, plan=plan)
