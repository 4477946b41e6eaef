"""Failover checks: a new database primary, writes acknowledged again within the
deadline (RTO), and no acknowledged row lost (RPO 0) — from the platform's own
view of its primary and from the probe rows, never from the database's internals."""

from __future__ import annotations

from dataclasses import dataclass

from chaos.platform import DatabasePrimary
from harness import clock
from harness.drill import FailoverExpectation
from harness.errors import InfrastructureError
from harness.events import EventKind
from harness.polling import timed_check, wait_until
from harness.results import Check
from harness.timeline import Timeline
from remediation.data_probe import ProbeWriter


@dataclass(frozen=True)
class FailoverWatch:
    """Started before the fault: the primary then, and the probe writes."""

    writer: ProbeWriter
    primary_before: str


def check_failover(
    platform: DatabasePrimary,
    watch: FailoverWatch,
    expectation: FailoverExpectation,
    fault_at: float,
    timeline: Timeline,
) -> list[Check]:
    writer, primary_before, within = watch.writer, watch.primary_before, expectation.within
    checks = []
    name = f"a new database primary within {within:g} s"

    def promoted() -> str | None:
        primary = platform.database_primary()
        return primary if primary != primary_before else None

    primary = timed_check(
        name,
        within,
        lambda: wait_until(
            promoted,
            clock.left_until(fault_at, within),
            expected=f"a primary other than {primary_before}",
            where="the platform's database",
        ),
        lambda exc: (
            f"still no new primary after {within:g} s ({exc.last_seen}); is automatic failover on?"
        ),
    )
    if isinstance(primary, Check):
        checks.append(primary)
    else:
        delay = clock.now() - fault_at
        timeline.record(EventKind.RECOVERY_NEW_PRIMARY, primary=primary, was=primary_before)
        checks.append(
            Check(name, True, f"{primary} promoted (was {primary_before})", delay, within)
        )
    checks.append(_writes_back(writer, within, fault_at, timeline))
    checks.append(_nothing_lost(writer))
    return checks


def _writes_back(writer: ProbeWriter, within: float, fault_at: float, timeline: Timeline) -> Check:
    name = f"writes acknowledged again within {within:g} s (RTO)"
    back = timed_check(
        name,
        within,
        lambda: wait_until(
            lambda: writer.writes_back_after(fault_at),
            clock.left_until(fault_at, within) + 1.0,
            expected="a probe write acknowledged after the failed ones",
            where="the data probe",
        ),
        lambda _: (
            f"no write acknowledged within {within:g} s ({writer.failures_since(fault_at)} failed)"
        ),
    )
    if isinstance(back, Check):
        return back
    timeline.record(
        EventKind.RECOVERY_WRITES_BACK, at=back, failed_writes=writer.failures_since(fault_at)
    )
    delay = back - fault_at
    detail = f"writes back {delay:.2f} s after the fault, {writer.failures_since(fault_at)} failed"
    return Check(name, delay <= within, detail, delay, within)


def _nothing_lost(writer: ProbeWriter) -> Check:
    name = "no acknowledged write lost (RPO 0)"
    try:
        acknowledged, lost = writer.lost_rows()
    except InfrastructureError as exc:
        return Check(name, False, str(exc))
    if lost:
        shown = ", ".join(str(seq) for seq in lost[:10])
        return Check(name, False, f"{len(lost)} of {acknowledged} acknowledged rows lost: {shown}")
    return Check(name, True, f"all {acknowledged} acknowledged rows present")
