from __future__ import annotations

from pathlib import Path

from harness.journal import FaultJournal


def test_journal_keeps_open_faults_until_closed(tmp_path: Path) -> None:
    journal = FaultJournal(tmp_path / "j" / "journal.jsonl")
    first = journal.opened("crash-process", {"workload": "a"}, {"action": "ensure-running"})
    second = journal.opened("crash-process", {"workload": "b"}, {"action": "ensure-running"})
    journal.closed(first)
    reopened = FaultJournal(tmp_path / "j" / "journal.jsonl").open_entries()
    assert reopened == [second]
    journal.closed(second)
    assert journal.open_entries() == []


def test_journal_without_file_has_nothing_open(tmp_path: Path) -> None:
    assert FaultJournal(tmp_path / "absent.jsonl").open_entries() == []
