"""signal-process: a signal to the processes matching a pattern inside a workload's
container. STOP is reverted with CONT (also by `pagerdrill recover`, from the
journal); KILL and TERM have nothing to revert."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chaos.faults.base import FaultContext, injected, journaled, revert_action
from chaos.faults.registry import register
from chaos.platform import ProcessRef, ProcessSignals
from chaos.processes import matching
from harness.errors import GuardRefused
from harness.fault_specs import SignalProcessFault


@revert_action("continue-processes")
def _continue(ctx: FaultContext, params: dict[str, Any]) -> None:
    """CONT to the journaled processes that are still the workload's (idempotent)."""
    stopped = [ProcessRef(where, pid, "T", "") for where, pid in params["processes"]]
    ctx.able(ProcessSignals).send_signal(params["workload"], stopped, "CONT")


def _targets(spec: SignalProcessFault, ctx: FaultContext) -> list[ProcessRef]:
    found = matching(ctx.able(ProcessSignals).processes(spec.workload), spec.pattern)
    if not found:
        raise GuardRefused(
            f"signal-process: no process of workload {spec.workload} matches "
            f"{spec.pattern!r}; nothing was signalled"
        )
    if len(found) > spec.max_processes:
        raise GuardRefused(
            f"signal-process: {len(found)} processes of workload {spec.workload} match "
            f"{spec.pattern!r}, more than max_processes {spec.max_processes}; narrow the pattern"
        )
    return found


def _listed(processes: list[ProcessRef]) -> str:
    return "; ".join(f"{p.pid} {p.command[:60]} (in {p.where})" for p in processes)


def plan(spec: SignalProcessFault, ctx: FaultContext) -> list[str]:
    found = _targets(spec, ctx)
    undo = "send CONT" if spec.signal == "STOP" else "nothing (whatever started them restarts them)"
    return [
        f"send SIG{spec.signal} to {len(found)} process(es): {_listed(found)}",
        f"revert: {undo}",
    ]


@contextmanager
def signal_processes(spec: SignalProcessFault, ctx: FaultContext) -> Iterator[float]:
    found = _targets(spec, ctx)
    pairs = [[p.where, p.pid] for p in found]
    undo: dict[str, Any] = (
        {"action": "continue-processes", "workload": spec.workload, "processes": pairs}
        if spec.signal == "STOP"
        else {"action": "none"}
    )
    target = {"workload": spec.workload, "pattern": spec.pattern}
    with journaled(ctx, spec.kind, target, undo):
        at = ctx.able(ProcessSignals).send_signal(spec.workload, found, spec.signal)
        yield injected(
            ctx,
            spec.kind,
            at,
            workload=spec.workload,
            signal=spec.signal,
            processes=[f"{p.pid} {p.command[:60]}" for p in found],
        )


register(SignalProcessFault, inject=signal_processes, plan=plan)
