"""`hold:` wraps any fault: reverted after the hold even while the drill still
waits, or when the drill's block ends first; injection and revert errors reach the
drill. (On the real sandbox: tests/integration/test_held_faults.py.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from chaos.faults.base import held_for
from harness.drill import Drill
from harness.errors import FaultInjectionError, FaultRevertError


class _Recorded:
    def __init__(self) -> None:
        self.reverted_at: float | None = None
        self.reverted_in: str | None = None

    @contextmanager
    def fault(self, *, fail_inject: bool = False, fail_revert: bool = False) -> Iterator[float]:
        if fail_inject:
            raise FaultInjectionError("no such workload")
        try:
            yield time.monotonic()
        finally:
            self.reverted_at = time.monotonic()
            self.reverted_in = threading.current_thread().name
            if fail_revert:
                raise FaultRevertError("could not start it again")


def test_the_fault_is_reverted_after_its_hold_while_the_block_still_runs() -> None:
    recorded = _Recorded()
    with held_for(recorded.fault(), 0.3) as injected_at:
        time.sleep(0.8)
        assert recorded.reverted_at is not None
        assert 0.25 <= recorded.reverted_at - injected_at < 0.6
    assert recorded.reverted_in == "fault-holder"


def test_a_block_that_ends_first_keeps_the_fault_for_its_whole_hold() -> None:
    recorded = _Recorded()
    with held_for(recorded.fault(), 0.6) as injected_at:
        pass
    assert recorded.reverted_at is not None
    assert 0.55 <= recorded.reverted_at - injected_at < 1.0


def test_an_interrupted_block_still_reverts() -> None:
    recorded = _Recorded()
    with pytest.raises(KeyboardInterrupt), held_for(recorded.fault(), 30):
        raise KeyboardInterrupt
    assert recorded.reverted_at is not None


def test_injection_and_revert_errors_reach_the_drill() -> None:
    with pytest.raises(FaultInjectionError), held_for(_Recorded().fault(fail_inject=True), 1):
        pytest.fail("the block must not run when injection failed")
    with pytest.raises(FaultRevertError), held_for(_Recorded().fault(fail_revert=True), 0.1):
        time.sleep(0.3)


def test_hold_is_bounded_and_ends_the_fault_for_scale_in() -> None:
    drill = Drill.model_validate(
        {"name": "d", "fault": {"kind": "pause", "workload": "idp", "hold": "20s"}, "expect": {}}
    )
    assert drill.fault.ends_after(None) == 20
    with pytest.raises(ValueError, match="less than or equal to 600"):
        Drill.model_validate(
            {
                "name": "d",
                "fault": {"kind": "pause", "workload": "idp", "hold": "11m"},
                "expect": {},
            }
        )


def _fault(spec: dict[str, object]) -> Drill:
    return Drill.model_validate({"name": "d", "fault": spec, "expect": {}})


def test_a_fault_is_over_at_its_revert_its_own_end_or_at_once_when_nothing_reverts() -> None:
    """Alerts are asked to resolve only once the fault is over (remediation/runner.py):
    plugins that still hang keep their alert firing, whatever the journey says."""
    held = _fault({"kind": "plugin-failure", "plugins": ["ci-status"]}).fault
    assert held.over_at(100.0, 142.0, None) == 142.0
    with_hold = _fault({"kind": "pause", "workload": "idp", "hold": "20s"}).fault
    assert with_hold.over_at(100.0, 142.0, None) == 120.0
    assert with_hold.over_at(100.0, 110.0, None) == 110.0  # the drill's block ended first
    killed = _fault({"kind": "kill", "workload": "redis"}).fault
    assert killed.over_at(100.0, 142.0, None) == 142.0  # down until something starts it
    flushed = _fault({"kind": "cache-flush"}).fault
    assert flushed.over_at(100.0, 142.0, None) == 100.0
