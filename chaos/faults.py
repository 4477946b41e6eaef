"""Faults as context managers: leaving the `with` always reverts, and the journal
knows how to revert if this process dies first."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chaos.docker_platform import DockerPlatform
from chaos.journal import FaultJournal, JournalEntry
from harness.drill import FaultSpec
from harness.errors import FaultRevertError, HarnessError
from harness.timeline import Timeline


@contextmanager
def crash_process(
    platform: DockerPlatform, workload: str, journal: FaultJournal, timeline: Timeline
) -> Iterator[float]:
    """SIGKILL the workload's process; yields the injection time. Reverting makes sure
    it runs again (the platform's restart policy should already have done so)::

        with crash_process(platform, "idp", journal, timeline) as injected_at:
            ...observe the platform...
    """
    container = platform.guarded(workload).name
    entry = journal.opened(
        "crash-process",
        {"workload": workload, "container": container},
        revert={"action": "ensure-running", "workload": workload},
    )
    try:
        injected_at = platform.crash(workload)
        timeline.record("fault.injected", at=injected_at, fault="crash-process", workload=workload)
        yield injected_at
    finally:
        revert(platform, entry)
        journal.closed(entry)
        timeline.record("fault.reverted", fault="crash-process", workload=workload)


def revert(platform: DockerPlatform, entry: JournalEntry) -> None:
    """Undo one journaled fault; idempotent."""
    action = entry.revert.get("action")
    if action != "ensure-running":
        raise FaultRevertError(f"fault {entry.fault_id}: unknown revert action {action!r}")
    try:
        platform.ensure_running(entry.revert["workload"])
    except HarnessError as exc:
        raise FaultRevertError(f"fault {entry.fault_id} ({entry.kind}): {exc}") from exc


def recover(platform: DockerPlatform, journal: FaultJournal) -> list[JournalEntry]:
    """Revert every fault a crashed run left open; returns what was reverted."""
    reverted = []
    for entry in journal.open_entries():
        revert(platform, entry)
        journal.closed(entry)
        reverted.append(entry)
    return reverted


@contextmanager
def inject(
    spec: FaultSpec, platform: DockerPlatform, journal: FaultJournal, timeline: Timeline
) -> Iterator[float]:
    """The fault a drill names, as a context manager that yields the injection time."""
    with crash_process(platform, spec.workload, journal, timeline) as injected_at:
        yield injected_at
