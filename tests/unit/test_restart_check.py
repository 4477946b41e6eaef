"""The restart check on a platform that stamps starts in whole seconds (Kubernetes):
a replacement started within the fault's own second is a restart."""

from __future__ import annotations

import math
from typing import Any

from harness import clock
from harness.drill import RestartExpectation
from harness.timeline import Timeline
from remediation.recovery import check_restart


class _WholeSecondStarts:
    """A platform (only what the check reads) whose replacement pod started in the
    fault's second: its start reads as that second, before the fault itself."""

    def __init__(self, started_at: float) -> None:
        self._started_at = started_at

    def restart_count(self, workload: str) -> int:
        return 0  # a new pod starts at count 0

    def started_at(self, workload: str) -> float:
        return self._started_at

    def is_running(self, workload: str) -> bool:
        return True


def _check(started_at: float, fault_at: float) -> Any:
    platform: Any = _WholeSecondStarts(started_at)
    expectation = RestartExpectation(workload="idp", within=1.0)
    return check_restart(platform, expectation, 0, fault_at, Timeline())


def test_a_replacement_started_in_the_faults_second_counts() -> None:
    fault_at = math.floor(clock.now()) + 0.7
    assert _check(math.floor(fault_at), fault_at).passed


def test_a_start_a_second_before_the_fault_does_not() -> None:
    fault_at = math.floor(clock.now()) + 0.7
    assert not _check(math.floor(fault_at) - 1, fault_at).passed
