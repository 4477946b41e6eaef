"""Every alert a drill saw, and the pages it should not have caused.

On-call teams count an unexpected page as a failure (noise, a missing or inverted
inhibition, an alert that pages again once the inhibiting one resolved). From the
fault to the end of the drill, `AlertmanagerWatch` polls Alertmanager for every
alert it holds (active, inhibited, silenced); afterwards `judge_alerts` puts that
together with what fired in Prometheus and what the receivers' own systems got,
and fails the drill on an alert it neither expects nor allows that paged at one of
its `page_priorities`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Self

from harness import clock
from harness.clients import AlertmanagerClient, Notification
from harness.closing import Closing
from harness.contract import Contract
from harness.drill import Expectations
from harness.errors import HarnessError
from harness.results import AlertRole, Check, SeenAlert
from remediation.monitoring import Monitoring

PRIORITY_LABEL = "priority"


@dataclass
class HeldAlert:
    """What Alertmanager showed of one alert name while the drill watched."""

    priority: str | None = None
    routed: set[str] = field(default_factory=set)
    """Receivers it was routed to while active (neither inhibited nor silenced)."""
    suppressed: bool = False
    inhibited_by: set[str] = field(default_factory=set)
    """Alerts Alertmanager named as inhibiting it (by fingerprint, in the same poll)."""


class AlertmanagerWatch(Closing):
    """Polls Alertmanager's alerts in the background until closed; `held()` is what
    it saw. It has its own client (the drill's is used from the main thread)."""

    def __init__(self, url: str, *, earlier: Collection[str], interval_s: float = 1.0) -> None:
        self.earlier = frozenset(earlier)
        """Alerts already pending or firing when the watch began: their condition held
        before the fault, so they are not the drill's doing."""
        self._client = AlertmanagerClient(url)
        self._interval_s = interval_s
        self._held: dict[str, HeldAlert] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="alertmanager-watch", daemon=True)
        self.polls = 0
        self.failed_polls = 0
        self.last_error: str | None = None

    def start(self) -> Self:
        self.poll()
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self.poll()

    def poll(self) -> None:
        self.polls += 1
        try:
            alerts = self._client.all_alerts()
        except HarnessError as exc:  # Alertmanager may be what the drill broke
            self.failed_polls += 1
            self.last_error = str(exc)
            return
        names = {a.get("fingerprint"): (a.get("labels") or {}).get("alertname") for a in alerts}
        with self._lock:
            for alert in alerts:
                _note(self._held, alert, names)

    def held(self) -> dict[str, HeldAlert]:
        with self._lock:
            return dict(self._held)

    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
            self.poll()  # what happened since the last poll
        self._client.close()


def _note(
    held: dict[str, HeldAlert], alert: Mapping[str, Any], names: Mapping[Any, str | None]
) -> None:
    """`names`: alert name by fingerprint, of every alert in the same poll."""
    labels = alert.get("labels") or {}
    name = labels.get("alertname")
    if not name:
        return
    seen = held.setdefault(name, HeldAlert())
    seen.priority = seen.priority or labels.get(PRIORITY_LABEL)
    status = alert.get("status") or {}
    if status.get("state") == "suppressed":
        seen.suppressed = True
        seen.inhibited_by.update(
            names.get(f) or "an alert already gone" for f in status.get("inhibitedBy") or []
        )
    else:
        seen.routed.update(r["name"] for r in alert.get("receivers") or [])


def alerts_since_fault(
    expect: Expectations,
    contract: Contract | None,
    monitoring: Monitoring,
    watch: AlertmanagerWatch,
    fault_span: tuple[float, float],
) -> tuple[tuple[SeenAlert, ...], tuple[Check, ...]]:
    """`judge_alerts` over what Prometheus, Alertmanager (the `watch`, closed here)
    and the receivers' own systems show from the fault to now, once `page_grace`
    passed since the revert (`fault_span`: injected and reverted at); the checks:
    no unexpected page, and each alert the drill expects inhibited was."""
    fault_at, reverted_at = fault_span
    clock.sleep(max(0.0, reverted_at + expect.page_grace - clock.now()))
    watch.close()
    end = clock.now()
    fired = monitoring.prometheus.firing_alerts(fault_at, end)
    held = watch.held()
    names = {
        *fired,
        *held,
        *(a.name for a in expect.alerts),
        *expect.allow_alerts,
        *expect.inhibited,
    }
    notifications = monitoring.readers.notifications(sorted(names), since=fault_at)
    seen, check = judge_alerts(
        expect,
        contract,
        earlier=watch.earlier,
        fired=fired,
        held=held,
        notifications=[n for n in notifications if n.received_at <= end],
        reads=monitoring.readers.reads,
        fault_at=fault_at,
    )
    checks = [
        c
        for c in (
            _with_blind_spots(check, watch),
            inhibition_check(expect.inhibited, seen, monitoring.readers.reads),
        )
        if c is not None
    ]
    return seen, tuple(checks)


def judge_alerts(
    expect: Expectations,
    contract: Contract | None,
    *,
    earlier: Collection[str],
    fired: Collection[str],
    held: Mapping[str, HeldAlert],
    notifications: Sequence[Notification],
    reads: Callable[[str], bool],
    fault_at: float = 0.0,
) -> tuple[tuple[SeenAlert, ...], Check | None]:
    """Every alert seen (fired in Prometheus, held by Alertmanager or received), and
    the check that none the drill did not expect paged at one of its page priorities.

    An alert reached a receiver when the receiver's own system got a firing
    notification of it, or, for a receiver no reader reads back, when Alertmanager
    routed it there while it was active. It is a page when its priority is one the
    drill fails on, or when the receiver is one the contract gives to such a
    priority. `earlier`: alerts already pending or firing at the fault (not this
    drill's doing).
    """
    expected = {a.name for a in expect.alerts}
    allowed = set(expect.allow_alerts)
    inhibited = set(expect.inhibited)
    paging = {str(p) for p in expect.page_priorities}
    page_receivers = (
        set()
        if contract is None
        else {r for p, terms in contract.priorities.items() if p in paging for r in terms.receivers}
    )
    notified_by: dict[str, set[str]] = {}
    first_at: dict[str, float] = {}
    for n in notifications:
        if n.status == "firing":
            notified_by.setdefault(n.alertname, set()).add(n.receiver)
            first_at[n.alertname] = min(first_at.get(n.alertname, n.received_at), n.received_at)
    seen = []
    for name in sorted({*fired, *held, *notified_by}):
        at_alertmanager = held.get(name, HeldAlert())
        priority = at_alertmanager.priority or (
            None if contract is None else contract.priority_of(name)
        )
        role = (
            AlertRole.EXPECTED
            if name in expected
            else AlertRole.ALLOWED
            if name in allowed
            else AlertRole.INHIBITED
            if name in inhibited
            else AlertRole.EARLIER
            if name in earlier
            else AlertRole.OTHER
        )
        notified = notified_by.get(name, set())
        reached = notified | {r for r in at_alertmanager.routed if not reads(r)}
        pages = reached if priority in paging else reached & page_receivers
        seen.append(
            SeenAlert(
                name,
                priority,
                role,
                tuple(sorted(notified)),
                tuple(sorted(at_alertmanager.routed)),
                at_alertmanager.suppressed,
                role is AlertRole.OTHER and bool(pages),
                None if name not in first_at else first_at[name] - fault_at,
                tuple(sorted(at_alertmanager.inhibited_by)),
            )
        )
    if not paging:
        return tuple(seen), None
    return tuple(seen), _pages_check(seen, paging)


def inhibition_check(
    names: Sequence[str], seen: Sequence[SeenAlert], reads: Callable[[str], bool]
) -> Check | None:
    """Each alert of `names` fired, Alertmanager showed it inhibited, and it reached no
    receiver (no firing notification read back; not routed while active to a
    receiver nobody reads back)."""
    if not names:
        return None
    by_name = {a.name: a for a in seen}
    held, problems = [], []
    for name in names:
        alert = by_name.get(name)
        reached = (
            () if alert is None else (*alert.notified, *(r for r in alert.routed if not reads(r)))
        )
        if alert is None:
            problems.append(f"{name} never fired, so its inhibition was not shown")
        elif reached:
            problems.append(
                f"{name} was not held back: it reached {', '.join(sorted(set(reached)))}"
            )
        elif not alert.inhibited_by:
            problems.append(f"{name} fired but Alertmanager never showed it inhibited")
        else:
            held.append(f"{name} by {', '.join(alert.inhibited_by)}")
    label = f"inhibition held back {', '.join(names)}"
    if problems:
        return Check(
            label, False, "; ".join(problems) + ". Check the inhibit_rules of Alertmanager"
        )
    return Check(label, True, "; ".join(held) + "; no receiver reached")


def _with_blind_spots(check: Check | None, watch: AlertmanagerWatch) -> Check | None:
    """A check that passed says so only as far as Alertmanager could be seen."""
    if check is None or not watch.failed_polls:
        return check
    blind = (
        f"; Alertmanager did not answer {watch.failed_polls} of {watch.polls} polls "
        f"(last: {watch.last_error}), so routing seen only by the other polls"
    )
    return replace(check, detail=check.detail + blind)


def _pages_check(seen: list[SeenAlert], paging: set[str]) -> Check:
    name = f"no unexpected {'/'.join(sorted(paging))} pages"
    pages = [a for a in seen if a.unexpected_page]
    if pages:
        detail = (
            "; ".join(a.describe() for a in pages)
            + ". Expect it in the drill if the fault honestly causes it, list it under "
            "expect.allow_alerts, or fix the routing or inhibition that let it page"
        )
        return Check(name, False, detail, None, None)
    others = [a.describe() for a in seen if a.role is not AlertRole.EXPECTED]
    return Check(name, True, "none" + (f"; also seen: {'; '.join(others)}" if others else ""))
