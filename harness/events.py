"""What a drill's timeline records: the closed set of event kinds. Every module
that records or reads the timeline names a kind from here; the JSON value (the
timeline in results.json and history) is the enum's value, unchanged."""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    PHASE = "phase"
    """A drill phase begins (`phase`)."""
    DRILL_ERROR = "drill.error"
    FAULT_PLANNED = "fault.planned"
    FAULT_INJECTED = "fault.injected"
    FAULT_REVERTED = "fault.reverted"
    OBSERVER_DATA_PROBE = "observer.data_probe"
    ALERTMANAGER_GROUP_MEMORY = "alertmanager.group_memory"
    INHIBITORS_AWAITED = "steady.inhibitors"
    """Before the fault: active alerts that would inhibit an expected one (`alerts`),
    and whether they ended within the steady-state timeout (`waited_out`)."""
    QUIET_INPUTS = "steady.quiet_inputs"
    """Before the fault: how long an expected alert's inputs took to quiet down, and
    what they were (`alert`, `waited_s`, `quiet`, `inputs`)."""
    ALERT_PENDING = "alert.pending"
    ALERT_FIRING = "alert.firing"
    ALERT_IN_ALERTMANAGER = "alert.in_alertmanager"
    NOTIFICATION_FIRING = "notification.firing"
    NOTIFICATION_RESOLVED = "notification.resolved"
    ESCALATION = "escalation"
    """A step of a page's incident on its escalation ladder, at the time the incident
    system logged it (`receiver`, `step`: notify/escalate/acknowledge/unacknowledge,
    `who`, `after_s` from the trigger)."""
    INCIDENT_TOOL = "incident.tool"
    """A war room or status-page incident opened or closed, when its tool says so
    (`tool`, `step`: opened/closed, `where`: the channel or incident)."""
    RECOVERY_RESTARTED = "recovery.restarted"
    RECOVERY_SCALED = "recovery.scaled"
    RECOVERY_NEW_PRIMARY = "recovery.new_primary"
    RECOVERY_WRITES_BACK = "recovery.writes_back"
    RECOVERY_CONDITION = "recovery.condition"
    RECOVERY_JOURNEY_GREEN = "recovery.journey_green"
    JOURNEY_ATTEMPT = "journey.attempt"
    LOAD_STARTED = "load.started"
    LOAD_STATS = "load.stats"
    LOAD_STOPPED = "load.stopped"

    @property
    def is_notification(self) -> bool:
        return self in (EventKind.NOTIFICATION_FIRING, EventKind.NOTIFICATION_RESOLVED)
