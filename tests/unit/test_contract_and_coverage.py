"""The priority contract (drill defaults, rule checks), alert coverage from stored
runs, and drill suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness.contract import Audience, Contract, load_contract
from harness.drill import load_drill, resolve_alerts
from harness.errors import ConfigError
from harness.history import PastRun
from harness.types import Priority
from pagerdrill.coverage import compute
from remediation.contract_check import check_rules
from remediation.suggestions import suggest

REPO = Path(__file__).resolve().parents[2]
CONTRACT, _ = load_contract(REPO / "contracts" / "sandbox.contract.yaml")


def _drill(tmp_path: Path, alert: str) -> Path:
    path = tmp_path / "x.drill.yaml"
    path.write_text(
        "name: x\nfault: {kind: crash-process, workload: idp}\n"
        f"expect:\n  alerts:\n    - {alert}\n"
    )
    return path


def test_drill_naming_only_alert_and_priority_takes_the_contract_terms(tmp_path: Path) -> None:
    drill, source = load_drill(_drill(tmp_path, "{name: IDPHighErrorRate, priority: P1}"))
    [alert] = resolve_alerts(drill, source, CONTRACT)
    assert alert.within == 45
    assert alert.receivers == ("pagerduty-high", "slack-high", "email-oncall")
    assert set(alert.not_receivers) == CONTRACT.receivers - set(alert.receivers)
    assert alert.from_contract == ("within", "receivers", "not_receivers")


def test_drill_may_override_the_contract(tmp_path: Path) -> None:
    text = "{name: IDPDown, priority: P0, within: 10s, receivers: [sms-oncall]}"
    drill, source = load_drill(_drill(tmp_path, text))
    [alert] = resolve_alerts(drill, source, CONTRACT)
    assert (alert.within, alert.receivers) == (10, ("sms-oncall",))
    assert "pagerduty-high" in alert.not_receivers  # other priorities' receivers stay quiet
    assert "pagerduty-critical" not in alert.not_receivers  # P0's own: neither required nor banned
    assert alert.from_contract == ("not_receivers",)


def test_without_a_contract_the_drill_must_give_every_term(tmp_path: Path) -> None:
    drill, source = load_drill(_drill(tmp_path, "{name: IDPDown, priority: P0}"))
    with pytest.raises(ConfigError, match="the target names no contract") as error:
        resolve_alerts(drill, source, None)
    assert error.value.line == 5
    assert error.value.field == "expect.alerts[0]"


def test_contract_refuses_an_alert_under_two_priorities() -> None:
    with pytest.raises(ValueError, match="under both P0 and P1"):
        Contract.model_validate(
            {
                "name": "x",
                "priorities": {
                    "P0": {
                        "receivers": ["a"],
                        "detection": "30s",
                        "response": "5m",
                        "alerts": ["X"],
                    },
                    "P1": {
                        "receivers": ["b"],
                        "detection": "1m",
                        "response": "15m",
                        "alerts": ["X"],
                    },
                },
            }
        )


def _rule(name: str, **labels: str) -> dict[str, object]:
    return {"name": name, "labels": labels, "group": "g", "file": "f.yml"}


def test_rule_check_names_missing_unknown_and_wrong_priorities() -> None:
    rules = [
        _rule("IDPDown", priority="P2"),
        _rule("NoLabel"),
        _rule("Odd", priority="P7"),
        _rule("IDPHighErrorRate", priority="P1"),
    ]
    found = [m.describe() for m in check_rules(CONTRACT, rules)]
    assert (
        "prometheus rule IDPDown (group g, f.yml): priority P2, but the contract puts it at P0"
        in found
    )
    assert "prometheus rule NoLabel (group g, f.yml): has no priority label" in found
    assert any("'P7' is not in the contract" in m for m in found)
    assert "contract P0: alert DatabaseNoPrimary has no rule in Prometheus" in found
    assert not any("IDPHighErrorRate" in m for m in found)


def _run(verdict: str, mttd: dict[str, float], seen: list[str], at: str) -> PastRun:
    drill = {"drill": "d", "verdict": verdict, "finished_at": at, "mttd_s": mttd,
             "alerts_seen": seen, "timeline": []}  # fmt: skip
    return PastRun("r", at, "t", {"d": drill})


def test_coverage_tells_proven_from_fired_from_never() -> None:
    runs = [
        _run("passed", {"firing.A": 2.0, "notified.A.pager": 3.0}, ["A", "B"], "2026-01-01"),
        _run("failed", {"firing.C": 1.0}, ["C"], "2026-01-02"),
        _run("passed", {"firing.A": 1.5, "notified.A.pager": 2.5}, ["A"], "2026-01-03"),
    ]
    coverage = compute(
        [("A", "P0"), ("B", "P1"), ("C", "P0"), ("D", "P2")], ["pager", "mail"], runs
    )
    by_name = {c.name: c for c in coverage.rules}
    assert (by_name["A"].status, by_name["A"].when, by_name["A"].mttd_s) == (
        "proven",
        "2026-01-03",
        1.5,
    )
    assert by_name["B"].status == "fired, never asserted"
    assert by_name["C"].status == "fired, never asserted"  # its drill failed: not a proof
    assert by_name["D"].status == "never fired"
    receivers = {c.name: c.status for c in coverage.receivers}
    assert receivers == {"pager": "proven", "mail": "never fired"}
    assert coverage.ratios() == {"rules": 0.25, "p0_rules": 0.5, "receivers": 0.5}


def test_a_rule_the_contract_calls_not_drillable_is_listed_and_left_out_of_the_shares() -> None:
    runs = [_run("passed", {"firing.A": 2.0}, ["A"], "2026-01-01")]
    reason = "it is a state of the whole period, not an event"
    coverage = compute([("A", "P1"), ("B", "P2"), ("C", "P2")], [], runs, {"B": reason, "A": "x"})
    by_name = {c.name: c for c in coverage.rules}
    assert by_name["A"].status == "proven"  # proven all the same: the proof wins
    assert by_name["B"].status == "not drillable"
    assert by_name["B"].describe() == f"not drillable (the contract says: {reason})"
    assert coverage.ratios()["rules"] == 0.5  # A of A and C


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"Nope": "a reason long enough to be judged"}, "Nope is not an alert of this contract"),
        ({"IDPDown": "a reason long enough to be judged"}, "IDPDown is P0"),
        ({"IDPSlowResponses": "too hard"}, "needs a reason a reviewer can judge"),
    ],
)
def test_not_drillable_names_a_non_p0_alert_of_the_contract_with_a_reason(
    tmp_path: Path, entry: dict[str, str], problem: str
) -> None:
    shipped = yaml.safe_load((REPO / "contracts" / "sandbox.contract.yaml").read_text())
    shipped["not_drillable"] = entry
    path = tmp_path / "c.contract.yaml"
    path.write_text(yaml.safe_dump(shipped))
    with pytest.raises(ConfigError, match=problem):
        load_contract(path)


def _level(level: int, after: str, within: str) -> dict[str, object]:
    return {"level": level, "notify": [f"person-{level}"], "after": after, "within": within}


@pytest.mark.parametrize(
    ("levels", "problem"),
    [
        ([_level(1, "0s", "2s"), _level(3, "4s", "10s")], "level 3 where level 2 belongs"),
        ([_level(1, "0s", "2s"), _level(2, "0s", "10s")], "level 2 starts no later than level 1"),
        ([_level(1, "5s", "8s")], r"level 1 is notified at the trigger \(after: 0s\)"),
        ([_level(1, "0s", "2s"), _level(2, "10s", "4s")], "level 2: within is before after"),
    ],
)
def test_escalation_levels_start_at_the_trigger_and_follow_each_other(
    tmp_path: Path, levels: list[dict[str, object]], problem: str
) -> None:
    shipped = yaml.safe_load((REPO / "contracts" / "sandbox.contract.yaml").read_text())
    shipped["priorities"]["P0"]["escalation"] = levels
    path = tmp_path / "c.contract.yaml"
    path.write_text(yaml.safe_dump(shipped))
    with pytest.raises(ConfigError, match=problem):
        load_contract(path)


def test_audiences_name_receivers_of_the_contract(tmp_path: Path) -> None:
    shipped = yaml.safe_load((REPO / "contracts" / "sandbox.contract.yaml").read_text())
    shipped["audiences"]["email-board"] = "executive"
    path = tmp_path / "c.contract.yaml"
    path.write_text(yaml.safe_dump(shipped))
    with pytest.raises(ConfigError, match="email-board is no receiver of this contract"):
        load_contract(path)


def test_the_shipped_contract_promises_the_write_ups_incident_response() -> None:
    p0 = CONTRACT.priorities[Priority.P0]
    assert [lvl.notify for lvl in p0.escalation] == [
        ["primary-oncall"],
        ["secondary-oncall"],
        ["engineering-manager"],
        ["executive-oncall"],
    ]
    assert p0.war_room
    assert p0.status_page
    assert CONTRACT.audiences["email-executive"] == Audience.EXECUTIVE
    assert set(CONTRACT.audiences) == CONTRACT.receivers - {"incident-automation"}  # no reader


def test_suggestion_reads_the_fault_from_the_expression() -> None:
    text = suggest("IDPDown", "P0", 'min_over_time(up{job="idp"}[10s]) == 0')
    assert "name: idp-down" in text
    assert "fault: {kind: kill, workload: WORKLOAD}" in text
    assert "- {name: IDPDown, priority: P0}" in text
    errors = 'sum(rate(http_requests_total{route=~"/login|/api/login", status=~"5.."}[30s]))'
    assert "fault: {kind: app-error-rate, route: /login, ratio: 0.9}" in suggest("X", "P0", errors)
    assert "{kind: FAULT}" in suggest("Y", "P1", "vector(1)")
    slow_queries = "histogram_quantile(0.95, rate(idp_db_query_duration_seconds_bucket[30s])) > 1"
    assert "{kind: database-lock, table: TABLE, hold: 15s}" in suggest("Z", "P1", slow_queries)
    pool = 'idp_db_pool_connections{state="open"} / idp_db_pool_connections{state="max"} > 0.8'
    assert "{kind: app-connection-leak, connections: 9}" in suggest("W", "P1", pool)
