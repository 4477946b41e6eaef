"""The one polling primitive, and the check a deadline turns it into."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from harness import clock
from harness.errors import WaitTimeout
from harness.results import Check

T = TypeVar("T")


def wait_until(
    check: Callable[[], T | None],
    timeout: float,
    interval: float = 0.25,
    *,
    expected: str,
    where: str,
    hint: str = "check that the platform is up and the deadline is realistic",
    describe: Callable[[], object] | None = None,
) -> T:
    """Call `check` until it returns something truthy, and return that.

    Exceptions from `check` count as "not yet" and are kept as what was last seen.
    On timeout raise `WaitTimeout` saying what was expected, what was last seen,
    where, and a hint::

        pod = wait_until(lambda: find_ready_pod(), timeout=30, expected="a ready pod",
                         where="namespace idp")
    """
    deadline = clock.monotonic() + timeout
    last_seen: object = None
    while True:
        try:
            result = check()
        except Exception as exc:  # a failing probe is "not yet", reported if it never succeeds
            result, last_seen = None, f"{type(exc).__name__}: {exc}"
        else:
            if result:
                return result
            last_seen = describe() if describe else result
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise WaitTimeout(expected, last_seen, where, hint, timeout)
        clock.sleep(min(interval, remaining))


def timed_check(
    name: str, deadline_s: float, wait: Callable[[], T], failure: Callable[[WaitTimeout], str]
) -> T | Check:
    """What `wait` (a `wait_until`) returned, or, if it timed out, the failed check
    named `name` whose detail `failure` writes from what was last seen::

        outcome = timed_check(name, 30, lambda: wait_until(...),
                              lambda exc: f"not restarted (last seen: {exc.last_seen})")
        if isinstance(outcome, Check):
            return outcome
    """
    try:
        return wait()
    except WaitTimeout as exc:
        return Check(name, False, failure(exc), None, deadline_s)
