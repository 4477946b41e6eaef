from __future__ import annotations

import json
from pathlib import Path

from chaos.journal import FaultJournal
from harness.report import summary_table, verdict_line, write_json
from harness.results import Check, DrillResult
from harness.timeline import Timeline


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


def _result(passed: bool) -> DrillResult:
    timeline = Timeline()
    timeline.record("fault.injected", at=100.0)
    return DrillResult(
        drill="app-crash",
        run_id="r",
        target="sandbox",
        environment="sandbox",
        started_at=90.0,
        finished_at=130.0,
        checks=(
            Check("IDPDown fired within 30 s", True, "ok", 1.5, 30),
            Check("IDPDown has priority P0", passed, "fired with priority P2"),
        ),
        mttd_s={"firing.IDPDown": 1.5, "notified.IDPDown.pager": 2.0},
        mttr_s={"journey.login": 2.25},
        events=tuple(timeline.events),
    )


def test_summary_table_and_verdict() -> None:
    table = summary_table([_result(True)])
    assert "app-crash  passed   2/2     1.50 s       2.00 s         2.25 s        40.00 s" in table
    assert verdict_line([_result(True)]) == "readiness verdict: PASS (1 passed)"
    failing = summary_table([_result(False)])
    assert "FAILED IDPDown has priority P0: fired with priority P2" in failing
    assert verdict_line([_result(False), _result(True)]) == (
        "readiness verdict: FAIL (1 passed, 1 failed)"
    )


def test_json_results(tmp_path: Path) -> None:
    path = tmp_path / "out" / "results.json"
    write_json([_result(False)], path, "run-1")
    document = json.loads(path.read_text())
    assert document["schema_version"] == 1
    assert document["verdict"] == "failed"
    drill = document["drills"][0]
    assert drill["verdict"] == "failed"
    assert drill["mttr_s"] == {"journey.login": 2.25}
    assert drill["timeline"][0]["kind"] == "fault.injected"
