"""Recovery checks: the platform restarted or scaled the workload, a platform signal
(PromQL condition) held, and the journeys came back."""

from __future__ import annotations

import math
from collections.abc import Callable

from chaos.platform import Platform
from harness import clock
from harness.clients import PrometheusClient
from harness.drill import (
    ConditionExpectation,
    JourneysGreenExpectation,
    RestartExpectation,
    ScaleExpectation,
)
from harness.events import EventKind
from harness.polling import timed_check, wait_until
from harness.results import Check
from harness.timeline import Timeline
from remediation.prober import JourneyProber

CONFIRMING_ATTEMPT_S = 10.0
"""How long each of the K confirming journey attempts may take after the deadline."""


def check_restart(
    platform: Platform,
    expectation: RestartExpectation,
    baseline_restarts: int,
    fault_at: float,
    timeline: Timeline,
) -> Check:
    workload, within = expectation.workload, expectation.within
    name = f"{workload} restarted by the platform within {within:g} s"

    def restarted() -> bool:
        """Restarted by its restart policy (count up) or by a controller (started anew).
        Kubernetes stamps a start in whole seconds: a replacement started within the
        fault's own second reads as that second, so the second counts."""
        again = platform.restart_count(workload) > baseline_restarts or (
            platform.started_at(workload) >= math.floor(fault_at)
        )
        return again and platform.is_running(workload)

    outcome = timed_check(
        name,
        within,
        lambda: wait_until(
            restarted,
            within,
            expected=f"{workload} restart count above {baseline_restarts} or started anew, running",
            where="the platform",
            describe=lambda: f"restart count {platform.restart_count(workload)}",
        ),
        lambda exc: (
            f"{workload} was not restarted within {within:g} s "
            f"(last seen: {exc.last_seen}); is its restart policy or health-based restart on?"
        ),
    )
    if isinstance(outcome, Check):
        return outcome
    # Kubernetes stamps a container's start in whole seconds: a restart in the
    # fault's own second can read as before it. It is then counted at the fault.
    started_at = max(platform.started_at(workload), fault_at)
    timeline.record(
        EventKind.RECOVERY_RESTARTED,
        at=started_at,
        workload=workload,
        restart_count=platform.restart_count(workload),
    )
    delay = started_at - fault_at
    return Check(
        name,
        delay <= within,
        f"restart count {baseline_restarts} -> {platform.restart_count(workload)}, "
        f"started anew and running {delay:.2f} s after the fault"
        + (
            " (within the second of the fault; the platform stamps starts in seconds)"
            if delay == 0
            else ""
        ),
        delay,
        within,
    )


def check_journeys_green(
    prober: JourneyProber,
    expectation: JourneysGreenExpectation,
    fault_at: float,
    timeline: Timeline,
) -> tuple[Check, float | None]:
    """Also returns when the journey was green again (recovery time), if it was."""
    journey, within, k = expectation.journey, expectation.within, expectation.consecutive
    name = f"{journey} journey green again within {within:g} s"
    # The K successes that prove recovery may complete after the deadline; their
    # first one must end before it.
    remaining = clock.left_until(fault_at, within) + k * CONFIRMING_ATTEMPT_S
    success = timed_check(
        name,
        within,
        lambda: prober.first_recovered(journey, fault_at, remaining, consecutive=k),
        lambda exc: (
            f"no {k} successful {journey} journeys in a row within {within:g} s of the "
            f"fault; last failure: {exc.last_seen}"
        ),
    )
    if isinstance(success, Check):
        return success, None
    # Back when a user had it back: the end of the first good attempt, not its start
    # (that attempt may itself have waited for the platform, a respawn for one).
    back = success.started_at + success.duration_s
    timeline.record(EventKind.RECOVERY_JOURNEY_GREEN, at=back, journey=journey)
    delay = back - fault_at
    failures = len([a for a in prober.attempts(journey, fault_at) if not a.ok])
    return Check(
        name,
        delay <= within,
        f"{journey} back {delay:.2f} s after the fault: the end of the first of {k} "
        f"successes in a row (it started at {success.started_at - fault_at:.2f} s), "
        f"after {failures} failed attempts",
        delay,
        within,
    ), back


def check_scaled_out(
    platform: Platform, expectation: ScaleExpectation, fault_at: float, timeline: Timeline
) -> Check:
    workload, wanted, within = expectation.workload, expectation.at_least, expectation.within
    name = f"{workload} scaled out to at least {wanted} replicas within {within:g} s"
    return _replicas_check(
        platform,
        workload=workload,
        reached=lambda n: n >= wanted,
        wanted=f"at least {wanted}",
        name=name,
        since=fault_at,
        within=within,
        timeline=timeline,
    )


def check_scaled_in(
    platform: Platform, expectation: ScaleExpectation, stress_ended_at: float, timeline: Timeline
) -> Check | None:
    if expectation.back_to is None or expectation.back_within is None:
        return None
    workload, wanted, within = expectation.workload, expectation.back_to, expectation.back_within
    plural = "replica" if wanted == 1 else "replicas"
    name = f"{workload} back to {wanted} {plural} within {within:g} s of the stress ending"
    return _replicas_check(
        platform,
        workload=workload,
        reached=lambda n: n <= wanted,
        wanted=f"{wanted} or fewer",
        name=name,
        since=stress_ended_at,
        within=within,
        timeline=timeline,
    )


def _replicas_check(
    platform: Platform,
    *,
    workload: str,
    reached: Callable[[int], bool],
    wanted: str,
    name: str,
    since: float,
    within: float,
    timeline: Timeline,
) -> Check:
    seen: list[int] = []

    def count() -> bool:
        seen.append(platform.replicas(workload))
        return reached(seen[-1])

    outcome = timed_check(
        name,
        within,
        lambda: wait_until(
            count,
            clock.left_until(since, within),
            interval=0.5,
            expected=f"{wanted} replicas of {workload}",
            where="the platform",
            describe=lambda: f"{seen[-1] if seen else '?'} replicas",
        ),
        lambda _: (
            f"{workload} had {seen[-1] if seen else '?'} replicas (max {max(seen, default=0)})"
        ),
    )
    if isinstance(outcome, Check):
        return outcome
    at = clock.now()
    timeline.record(EventKind.RECOVERY_SCALED, workload=workload, replicas=seen[-1])
    delay = max(0.0, at - since)
    return Check(name, delay <= within, f"{seen[-1]} replicas {delay:.1f} s after", delay, within)


def check_condition(
    prometheus: PrometheusClient,
    expectation: ConditionExpectation,
    fault_at: float,
    timeline: Timeline,
) -> Check:
    """The expression has a non-empty result within the deadline of the fault."""
    within = expectation.within
    name = f"{expectation.name} within {within:g} s"

    def holds() -> bool:
        return bool(prometheus.query(expectation.query))

    outcome = timed_check(
        name,
        within,
        lambda: wait_until(
            holds,
            clock.left_until(fault_at, within),
            expected=expectation.query,
            where="Prometheus",
            describe=lambda: prometheus.query(expectation.query) or "empty result",
        ),
        lambda exc: (
            f"{expectation.query} still empty {within:g} s after the fault "
            f"(last seen: {exc.last_seen})"
        ),
    )
    if isinstance(outcome, Check):
        return outcome
    # The wait may begin late (after the alert waits): when it held first, not when
    # this looked, is what counts.
    now = clock.now()
    held_at = min(now, prometheus.first_result_at(expectation.query, fault_at, now) or now)
    delay = held_at - fault_at
    timeline.record(EventKind.RECOVERY_CONDITION, at=held_at, condition=expectation.name)
    return Check(
        name,
        delay <= within,
        f"{expectation.query} held {delay:.2f} s after the fault",
        delay,
        within,
    )
