"""The drill's load: started before the fault, its stress as the fault when the
drill says `traffic-surge`, stopped after recovery, checked against the drill's
load SLOs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from chaos.faults import inject, plan
from chaos.faults.base import FaultContext
from harness.drill import Drill
from harness.load_results import LoadResult
from harness.load_specs import LoadExpectation, SpikeShape, TrafficSurgeFault
from harness.results import Check
from harness.settings import Settings
from harness.timeline import Timeline
from load.runner import LoadRunner, check_host


def plan_fault(drill: Drill, faults: FaultContext) -> list[str]:
    if isinstance(drill.fault, TrafficSurgeFault):
        assert drill.load is not None
        assert isinstance(drill.load.shape, SpikeShape)
        shape = drill.load.shape
        return [
            f"the load's spike: {shape.base} -> {shape.peak} users at {shape.at:g} s for "
            f"{shape.hold:g} s ({drill.load.locustfile})",
            "revert: the spike ends by itself; the load is stopped after recovery",
        ]
    return plan(drill.fault, faults)


def plan_load(drill: Drill, settings: Settings) -> list[str]:
    if drill.load is None:
        return ["load: none"]
    check_host(settings.target.app.base_url, settings.target.load.allowed_hosts)
    spec = drill.load
    return [
        f"load: {spec.shape.kind} shape from {spec.locustfile} on {spec.processes} process(es), "
        f"at most {spec.max_requests} requests and {spec.max_duration:g} s"
    ]


def start_load(drill: Drill, settings: Settings, timeline: Timeline) -> LoadRunner | None:
    if drill.load is None:
        return None
    app = settings.target.app
    check_host(app.base_url, settings.target.load.allowed_hosts)
    workdir = Path(settings.output_dir) / "load" / drill.name
    return LoadRunner(
        drill.load, app.base_url, (app.credentials.username, settings.password), timeline, workdir
    )


@contextmanager
def _surge(load: LoadRunner, shape: SpikeShape, timeline: Timeline) -> Iterator[float]:
    at = load.wait_for_users(shape.peak, timeout=shape.at + 60)
    timeline.record("fault.injected", at=at, fault="traffic-surge", users=shape.peak)
    yield at
    timeline.record("fault.reverted", fault="traffic-surge")


def drill_fault(
    drill: Drill, faults: FaultContext, load: LoadRunner | None, timeline: Timeline
) -> AbstractContextManager[float]:
    """The drill's fault as a context manager yielding the injection time."""
    if isinstance(drill.fault, TrafficSurgeFault):
        assert load is not None
        assert drill.load is not None
        assert isinstance(drill.load.shape, SpikeShape)
        return _surge(load, drill.load.shape, timeline)
    return inject(drill.fault, faults)


def surge_end(drill: Drill, fault_at: float) -> float | None:
    """When a traffic surge's spike ends (None for other faults)."""
    if not isinstance(drill.fault, TrafficSurgeFault) or drill.load is None:
        return None
    shape = drill.load.shape
    return fault_at + shape.hold if isinstance(shape, SpikeShape) else None


def load_checks(expectation: LoadExpectation | None, result: LoadResult) -> list[Check]:
    if expectation is None:
        return []
    total, checks = result.total, []
    if expectation.min_requests is not None:
        checks.append(
            Check(
                f"load made at least {expectation.min_requests} requests",
                total.requests >= expectation.min_requests,
                result.describe(),
            )
        )
    if expectation.p95_below is not None:
        p95 = total.p95_s
        checks.append(
            Check(
                f"load p95 below {expectation.p95_below:g} s",
                p95 is not None and p95 < expectation.p95_below,
                f"p95 {p95 if p95 is not None else '-'} s over {total.requests} requests"
                + _slowest(result),
                p95,
                expectation.p95_below,
            )
        )
    if expectation.max_error_ratio is not None:
        worst = ", ".join(
            f"{e.method} {e.name}: {e.error} x{e.occurrences}" for e in result.errors[:3]
        )
        checks.append(
            Check(
                f"load error ratio at most {100 * expectation.max_error_ratio:g} %",
                total.error_ratio <= expectation.max_error_ratio,
                f"{total.failures} of {total.requests} requests failed"
                + (f" ({worst})" if worst else ""),
            )
        )
    return checks


def _slowest(result: LoadResult) -> str:
    timed = [e for e in result.endpoints if e.p95_s is not None]
    if not timed:
        return ""
    slowest = max(timed, key=lambda e: e.p95_s or 0.0)
    return f"; slowest {slowest.method} {slowest.name} p95 {slowest.p95_s} s"
