"""The escalation checks on an incident's log: each level notified in its window,
naming who the policy has on a level nobody was notified from; nothing notified
after an acknowledgement."""

from __future__ import annotations

from harness.clients.pagerduty import LogEntry
from harness.contract import EscalationLevel
from harness.events import EventKind
from harness.timeline import Event
from pagerdrill.timeline_svg import timeline_svg
from remediation.escalation import level_check, stopped_check
from remediation.receivers import IncidentTrail

LEVELS = [
    EscalationLevel(level=1, notify=["primary"], after=0, within=2),
    EscalationLevel(level=2, notify=["secondary"], after=4, within=10),
    EscalationLevel(level=3, notify=["manager"], after=10, within=20),
]
POLICY = (("primary",), ("secondary",), ("manager",))


def trail(
    *entries: tuple[str, float, str], policy: tuple[tuple[str, ...], ...] = POLICY
) -> IncidentTrail:
    log = (LogEntry("trigger", 100.0), *(LogEntry(k, 100.0 + at, who) for k, at, who in entries))
    return IncidentTrail("pagerduty-critical", "Q1", 100.0, log, policy)


def test_each_level_notified_in_its_window_passes() -> None:
    t = trail(("notify", 0, "primary"), ("notify", 4, "secondary"), ("notify", 10, "manager"))
    checks = [level_check(t, level) for level in LEVELS]
    assert all(c.passed for c in checks)
    assert checks[1].name == "escalation level 2 (secondary) notified 4-10 s after the trigger"
    assert checks[2].measured_s == 10


def test_a_level_with_nobody_on_it_names_the_level_and_the_policy() -> None:
    t = trail(
        ("notify", 0, "primary"),
        ("notify", 4, "secondary"),
        policy=(("primary",), ("secondary",), ()),
    )
    check = level_check(t, LEVELS[2])
    assert not check.passed
    assert check.detail == (
        "manager was not notified (the service's policy has on level 3: nobody)"
    )


def test_a_level_notified_late_or_early_fails() -> None:
    late = level_check(trail(("notify", 12, "secondary")), LEVELS[1])
    early = level_check(trail(("notify", 1, "secondary")), LEVELS[1])
    assert late.detail == "secondary was notified 12.0 s after the trigger"
    assert not early.passed


def test_a_resolved_incident_is_said_when_a_level_was_missed() -> None:
    t = trail(("notify", 0, "primary"), ("resolve", 3, ""))
    assert "the incident was resolved 3.0 s in" in level_check(t, LEVELS[1]).detail


def test_acknowledged_and_nobody_notified_after_passes() -> None:
    t = trail(("notify", 0, "primary"), ("acknowledge", 1, "primary"))
    check = stopped_check(t, LEVELS[-1])
    assert check.passed
    assert check.detail == "acknowledged 1.0 s after the trigger; nobody notified after"


def test_escalation_after_the_acknowledgement_fails_naming_who_and_when() -> None:
    t = trail(
        ("notify", 0, "primary"),
        ("acknowledge", 1, "primary"),
        ("unacknowledge", 2, ""),
        ("notify", 2, "primary"),
        ("notify", 6, "secondary"),
    )
    check = stopped_check(t, LEVELS[-1])
    assert not check.passed
    assert check.detail == (
        "escalation went on after the acknowledgement at 1.0 s: "
        "primary at 2.0 s, secondary at 6.0 s"
    )


def test_never_acknowledged_fails() -> None:
    assert stopped_check(trail(("notify", 0, "primary")), LEVELS[-1]).detail == (
        "the incident was never acknowledged"
    )


def test_the_report_timeline_shows_the_ladder_one_lane_per_person() -> None:
    events = [
        Event(100.0, EventKind.FAULT_INJECTED, {"fault": "stop"}),
        Event(102.0, EventKind.ESCALATION, {"step": "notify", "who": "primary-oncall",
                                            "receiver": "pagerduty-critical", "after_s": 0.0}),
        Event(106.0, EventKind.ESCALATION, {"step": "notify", "who": "secondary-oncall",
                                            "receiver": "pagerduty-critical", "after_s": 4.0}),
        Event(106.0, EventKind.ESCALATION, {"step": "escalate", "who": "",
                                            "receiver": "pagerduty-critical", "after_s": 4.0}),
    ]  # fmt: skip
    svg = timeline_svg(events)
    assert "on call primary-oncall" in svg
    assert "secondary-oncall notified on pagerduty-critical, 4.0 s after the trigger" in svg
