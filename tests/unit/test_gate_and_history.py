"""Regressions against stored runs, the readiness gate, and the error budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.budget import burned_percent, unavailable_seconds
from harness.events import EventKind
from harness.history import History, baseline
from harness.results import Check, DrillResult, Regression
from harness.target import GateCriteria, SloConfig
from harness.timeline import Event
from pagerdrill.gate import evaluate_gate, find_regressions


def _drill(
    name: str = "app-crash",
    passed: bool = True,
    mttr: float = 2.0,
    budget: float | None = 0.1,
    priorities: tuple[str, ...] = ("P0",),
) -> DrillResult:
    return DrillResult(
        drill=name,
        run_id="r",
        target="sandbox",
        environment="sandbox",
        started_at=0.0,
        finished_at=10.0,
        checks=(Check("c", passed, "d"),),
        mttd_s={"firing.A": 1.0},
        mttr_s={"journey.login": mttr},
        budget_burned_percent=budget,
        priorities=priorities,
    )


def _history(tmp_path: Path, mttrs: list[float], verdicts: list[str] | None = None) -> History:
    history = History(tmp_path / "history")
    for index, mttr in enumerate(mttrs):
        document = _drill(mttr=mttr).as_json()
        document["finished_at"] = f"2026-11-2{index}T00:00:00.000Z"
        document["verdict"] = (verdicts or ["passed"] * len(mttrs))[index]
        history.save(f"run-{index}", {"run_id": f"run-{index}", "drills": [document]})
    return history


def test_baseline_is_the_median_of_recent_passing_runs(tmp_path: Path) -> None:
    runs = _history(
        tmp_path, [9.0, 1.0, 2.0, 3.0, 50.0], ["passed", "passed", "passed", "passed", "failed"]
    ).runs("sandbox")
    assert [r.run_id for r in runs] == [f"run-{i}" for i in range(5)]
    assert baseline(runs, "app-crash", "journey.login", last=3) == 2.0
    assert baseline(runs, "app-crash", "journey.login", last=10) == 2.5
    assert baseline(runs, "other", "journey.login", last=3) is None
    assert History(tmp_path / "history").runs("another-target") == []


def test_regression_needs_both_relative_and_absolute_slowdown(tmp_path: Path) -> None:
    runs = _history(tmp_path, [2.0, 2.0, 2.0]).runs("sandbox")
    criteria = GateCriteria(max_regression_percent=50, min_regression_seconds=1.0)
    assert find_regressions([_drill(mttr=2.9)], runs, criteria) == []  # +45 %
    assert (
        find_regressions(
            [_drill(mttr=3.2)],
            runs,  # +60 % but only +1.2 s
            GateCriteria(min_regression_seconds=1.5),
        )
        == []
    )
    found = find_regressions([_drill(mttr=3.2)], runs, criteria)
    assert found == [Regression("app-crash", "journey.login", 2.0, 3.2)]
    assert found[0].describe() == (
        "app-crash journey.login: 3.20 s against a baseline of 2.00 s (+60 %)"
    )


def test_gate_criteria() -> None:
    criteria = GateCriteria(max_error_budget_burned_percent=1.0)
    ok = evaluate_gate(
        [_drill(), _drill("p2-drill", passed=False, priorities=("P2",))], [], criteria
    )
    assert [c.passed for c in ok] == [True, True, True]
    failing = evaluate_gate(
        [_drill(passed=False, budget=0.7), _drill("b", budget=0.7)],
        [Regression("b", "journey.login", 1.0, 9.0)],
        criteria,
    )
    assert [(c.passed, c.detail) for c in failing] == [
        (False, "failed: app-crash"),
        (False, "the drills burned 1.40 % of the error budget"),
        (False, "b journey.login: 9.00 s against a baseline of 1.00 s (+800 %)"),
    ]
    nothing = evaluate_gate([_drill(priorities=("P2",))], [], criteria)
    assert (nothing[0].passed, nothing[0].detail) == (False, "no P0 drill ran")


def _attempt(at: float, ok: bool) -> Event:
    return Event(at, EventKind.JOURNEY_ATTEMPT, {"journey": "login", "ok": ok})


def test_unavailable_time_runs_from_first_failure_to_next_success() -> None:
    events = [
        _attempt(99, True),
        _attempt(101, False),
        _attempt(102, False),
        _attempt(103.5, True),
        _attempt(110, False),
        _attempt(111, True),
    ]
    assert unavailable_seconds(events, fault_at=100) == pytest.approx(2.5 + 1.0)
    assert unavailable_seconds([_attempt(101, False), _attempt(104, False)], 100) == 3.0
    assert unavailable_seconds([_attempt(101, True)], 100) == 0.0


def test_budget_share_of_the_slo_window() -> None:
    slo = SloConfig(availability_percent=99.99, window_days=30)
    assert slo.error_budget_s == pytest.approx(259.2)
    events = [_attempt(100.5, False), _attempt(103.092, True)]
    assert burned_percent(events, 100, slo) == pytest.approx(1.0)
