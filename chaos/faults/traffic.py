"""traffic-surge: the drill's own load spike is the fault. Injected when the load
first reaches its peak users; it ends by itself when the spike ends (the load is
stopped after recovery), so there is nothing to revert or journal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chaos.faults.base import FaultContext, injected
from chaos.faults.registry import register
from harness import clock
from harness.errors import FaultInjectionError
from harness.events import EventKind
from harness.fault_specs import TrafficSurgeFault
from harness.load_specs import SpikeShape


def _spike(ctx: FaultContext) -> SpikeShape:
    shape = None if ctx.load_spec is None else ctx.load_spec.shape
    if not isinstance(shape, SpikeShape):  # the drill model refuses this already
        raise FaultInjectionError("traffic-surge needs the drill's load with a spike shape")
    return shape


def plan(spec: TrafficSurgeFault, ctx: FaultContext) -> list[str]:
    shape = _spike(ctx)
    assert ctx.load_spec is not None
    return [
        f"the load's spike: {shape.base} -> {shape.peak} users at {shape.at:g} s for "
        f"{shape.hold:g} s ({ctx.load_spec.locustfile})",
        "revert: the spike ends by itself; the load is stopped after recovery",
    ]


@contextmanager
def surge(spec: TrafficSurgeFault, ctx: FaultContext) -> Iterator[float]:
    shape = _spike(ctx)
    if ctx.load is None:
        raise FaultInjectionError("traffic-surge needs the drill's load to be running")
    at = ctx.load.wait_for_users(shape.peak, timeout=shape.at + 60)
    yield injected(ctx, spec.kind, at, users=shape.peak)
    ctx.timeline.record(EventKind.FAULT_REVERTED, clock.now(), fault=spec.kind)


register(TrafficSurgeFault, inject=surge, plan=plan)
