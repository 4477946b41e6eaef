"""The run order: file order, except where a drill would wait for the one before."""

from __future__ import annotations

from collections.abc import Mapping

from remediation.inhibition import InhibitRule
from remediation.run_order import DrillNeeds, drill_needs, plan_order

P0_HOLDS_BACK_P1 = InhibitRule.parse(
    {"source_matchers": ["priority=P0"], "target_matchers": ["priority=P1"], "equal": ["service"]}
)


def inhibits(source: Mapping[str, str], target: Mapping[str, str]) -> bool:
    return P0_HOLDS_BACK_P1.inhibits(source, target)


def test_drills_that_wait_for_nothing_keep_file_order() -> None:
    drills = [DrillNeeds(name, duration_s=20) for name in ("a", "b", "c")]
    planned = plan_order(drills, inhibits)
    assert planned.names == ("a", "b", "c")
    assert not planned.moved


def test_a_ratio_drill_does_not_follow_a_load_drill_while_another_can() -> None:
    drills = [
        DrillNeeds("load", runs_load=True, duration_s=30),
        DrillNeeds("ratio", traffic_window_s=60, duration_s=30),
        DrillNeeds("crash", duration_s=20),
        DrillNeeds("restart", duration_s=20),
        DrillNeeds("kill", duration_s=20),
    ]
    planned = plan_order(drills, inhibits)
    assert planned.names == ("load", "crash", "restart", "kill", "ratio")
    assert planned.waits_s["ratio"] == 0
    assert planned.file_order_waits_s == 60
    assert planned.moved
    assert "file order: 60 s" in planned.describe()


def test_a_wait_no_drill_can_fill_is_kept_and_counted() -> None:
    drills = [
        DrillNeeds("load", runs_load=True, duration_s=30),
        DrillNeeds("ratio", traffic_window_s=60, duration_s=30),
        DrillNeeds("crash", duration_s=20),
    ]
    planned = plan_order(drills, inhibits)
    assert planned.names == ("load", "crash", "ratio")
    assert planned.waits_s == {"load": 0, "crash": 0, "ratio": 40}


def test_a_lingering_p0_keeps_the_drill_it_would_inhibit_apart() -> None:
    p0 = {"priority": "P0", "alertname": "Suspicious"}
    drills = [
        DrillNeeds("security", labels={"Suspicious": p0}, lingering_s={"Suspicious": 60}),
        DrillNeeds("latency", labels={"Slow": {"priority": "P1", "alertname": "Slow"}}),
        DrillNeeds("outage", labels={"Down": {"priority": "P0", "alertname": "Down"}}),
        DrillNeeds("crash", duration_s=30),
    ]
    planned = plan_order(drills, inhibits)
    assert planned.names == ("security", "outage", "crash", "latency")
    assert planned.waits_s["latency"] == 0


def rule(kind: str, name: str, query: str, **more: object) -> dict[str, object]:
    return {"type": kind, "name": name, "query": query, **more}


def rules() -> list[dict[str, object]]:
    return [
        rule("recording", "job:errors:ratio", "sum(rate(e[1m])) / sum(rate(r[1m]))"),
        rule("alerting", "Ratio", "job:errors:ratio > 0.1", labels={"priority": "P1"}),
        rule(
            "alerting", "Count", "increase(x[2m]) > 0", labels={"priority": "P0"}, keepFiringFor=30
        ),
        rule("alerting", "Held", "rate(y[30s]) > 1", labels={"priority": "P2"}),
    ]


def test_needs_read_from_the_live_rules() -> None:
    needs = drill_needs(
        "d",
        expected=["Ratio", "Count"],
        inhibited=["Held"],
        awaited_resolved=["Ratio"],
        runs_load=True,
        rules=rules(),
        duration_s=12,
    )
    assert needs.traffic_window_s == 60  # through the recording rule; Count is no ratio
    assert needs.lingering_s == {"Count": 150}  # Ratio is awaited resolved
    assert needs.labels["Held"] == {"priority": "P2", "alertname": "Held"}
    assert needs.runs_load
    assert needs.duration_s == 12


def test_needs_of_a_drill_never_run_before_take_a_default_duration() -> None:
    needs = drill_needs(
        "d",
        expected=["Unknown"],
        inhibited=[],
        awaited_resolved=[],
        runs_load=False,
        rules=rules(),
        duration_s=None,
    )
    assert needs.duration_s == 45
    assert not needs.labels
