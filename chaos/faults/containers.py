"""Process and container faults: crash-process, kill, stop (process lifecycle) and
pause (freezing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chaos.faults.base import FaultContext, injected, journaled, revert_action
from chaos.faults.registry import register
from chaos.platform import Freezing, ProcessLifecycle
from harness.fault_specs import CrashProcessFault, KillFault, PauseFault, StopFault

ContainerFault = CrashProcessFault | KillFault | StopFault | PauseFault


@revert_action("ensure-running")
def _ensure_running(ctx: FaultContext, params: dict[str, Any]) -> None:
    ctx.able(ProcessLifecycle).ensure_running(params["workload"])


@revert_action("unpause")
def _unpause(ctx: FaultContext, params: dict[str, Any]) -> None:
    ctx.able(Freezing).unpause(params["workload"])


def plan(spec: ContainerFault, ctx: FaultContext) -> list[str]:
    target = ctx.platform.resolve(spec.workload).describe()
    actions = {
        "crash-process": f"SIGKILL the main process of {target}",
        "kill": f"kill {target} through the engine's API (no restart policy applies)",
        "stop": f"stop {target} (SIGTERM, SIGKILL after the grace period)",
        "pause": f"pause every process of {target}",
    }
    if isinstance(spec, PauseFault):
        undo = "unpause it"
    elif spec.revert == "leave-to-platform":
        undo = "nothing: the platform that manages it brings it back (revert: leave-to-platform)"
    else:
        undo = "start it unless it is running again"
    return [actions[spec.kind], f"revert: {undo}"]


@contextmanager
def inject(spec: ContainerFault, ctx: FaultContext) -> Iterator[float]:
    """Yields the injection time; leaving the block makes the workload run again::

    with inject(PauseFault(kind="pause", workload="idp"), ctx) as injected_at:
        ...observe the platform...
    """
    workload = spec.workload
    container = ctx.platform.resolve(workload).name
    undo = {"action": _undo(spec), "workload": workload}
    with journaled(ctx, spec.kind, {"workload": workload, "container": container}, undo):
        if isinstance(spec, CrashProcessFault):
            at = ctx.able(ProcessLifecycle).crash(workload)
        elif isinstance(spec, KillFault):
            at = ctx.able(ProcessLifecycle).kill(workload)
        elif isinstance(spec, StopFault):
            at = ctx.able(ProcessLifecycle).stop(workload, spec.grace)
        else:
            at = ctx.able(Freezing).pause(workload)
        yield injected(ctx, spec.kind, at, workload=workload)


def _undo(spec: ContainerFault) -> str:
    if isinstance(spec, PauseFault):
        return "unpause"
    return "none" if spec.revert == "leave-to-platform" else "ensure-running"


for _spec in (CrashProcessFault, KillFault, StopFault, PauseFault):
    register(_spec, inject=inject, plan=plan)
