"""The sink's on-call side: an incident escalates level by level while nobody
acknowledges it, stops when acknowledged, and starts again after an
acknowledgement timeout; computed on read, with each entry at the time it fell due."""

from __future__ import annotations

from pathlib import Path

from sandbox.sink.escalation import (
    EscalationPolicy,
    EscalationRule,
    IncidentLadder,
    PolicyFile,
    ServicePolicy,
)
from tests.sink_server import TOKEN, served_sink

POLICY = EscalationPolicy(
    "p0-oncall",
    (
        EscalationRule(4, ("primary",)),
        EscalationRule(6, ("secondary",)),
        EscalationRule(10, ("manager",)),
    ),
)


def notified(ladder: IncidentLadder) -> list[tuple[str, float]]:
    return [(e["user"]["summary"], at) for kind, at, e in ladder.log if kind == "notify_log_entry"]


def test_unacknowledged_it_notifies_each_level_when_the_one_before_ran_out() -> None:
    ladder = IncidentLadder(ServicePolicy(POLICY), 100.0)
    ladder.catch_up(109.0)
    assert notified(ladder) == [("primary", 100.0), ("secondary", 104.0)]
    ladder.catch_up(1000.0)  # the last level stays
    assert notified(ladder) == [("primary", 100.0), ("secondary", 104.0), ("manager", 110.0)]
    assert [k for k, _, _ in ladder.log].count("escalate_log_entry") == 2


def test_acknowledged_it_stops_escalating() -> None:
    ladder = IncidentLadder(ServicePolicy(POLICY), 100.0)
    assert ladder.acknowledge(103.0, "primary@example.org")
    ladder.catch_up(1000.0)
    assert notified(ladder) == [("primary", 100.0)]
    assert not ladder.acknowledge(1001.0, "primary@example.org")  # only a triggered one


def test_an_acknowledgement_timeout_triggers_it_again_and_escalation_goes_on() -> None:
    ladder = IncidentLadder(ServicePolicy(POLICY, acknowledgement_timeout_s=2), 100.0)
    ladder.acknowledge(101.0, "primary@example.org")
    ladder.catch_up(108.0)
    assert notified(ladder) == [("primary", 100.0), ("primary", 103.0), ("secondary", 107.0)]
    assert ladder.status == "triggered"


def test_a_resolved_incident_escalates_no_further() -> None:
    ladder = IncidentLadder(ServicePolicy(POLICY), 100.0)
    assert ladder.resolve(105.0)
    ladder.catch_up(1000.0)
    assert [name for name, _ in notified(ladder)] == ["primary", "secondary"]
    assert ladder.log[-1][0] == "resolve_log_entry"


def test_a_level_with_nobody_on_it_escalates_and_notifies_nobody() -> None:
    empty = EscalationPolicy("p", (EscalationRule(4, ("primary",)), EscalationRule(6, ())))
    ladder = IncidentLadder(ServicePolicy(empty), 100.0)
    ladder.catch_up(1000.0)
    assert notified(ladder) == [("primary", 100.0)]
    assert ("escalate_log_entry", 104.0) in [(k, at) for k, at, _ in ladder.log]


def test_policies_load_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "escalation.yml"
    path.write_text(
        "escalation_policies:\n"
        "  p0-oncall:\n"
        "    - {delay: 4s, targets: [primary]}\n"
        "    - {delay: 2m, targets: [secondary]}\n"
        "services:\n"
        "  pagerduty-critical: {escalation_policy: p0-oncall, acknowledgement_timeout: 30s}\n"
    )
    service = PolicyFile(path)()["pagerduty-critical"]
    assert service.policy.rules == (
        EscalationRule(4, ("primary",)),
        EscalationRule(120, ("secondary",)),
    )
    assert service.acknowledgement_timeout_s == 30


def test_the_sink_serves_policy_log_entries_and_acknowledgement() -> None:
    pd = {"Authorization": f"Token token={TOKEN}"}
    event = {"dedup_key": "g1", "event_action": "trigger", "payload": {"summary": "X down"}}
    with served_sink(policies=lambda: {"svc": ServicePolicy(POLICY)}) as client:
        client.post("/pagerduty/svc/v2/enqueue", json=event).raise_for_status()
        incident = client.get("/pagerduty/api/incidents", headers=pd).json()["incidents"][0]
        assert incident["escalation_policy"]["id"] == "p0-oncall"
        assert [a["assignee"]["summary"] for a in incident["assignments"]] == ["primary"]
        policy = client.get("/pagerduty/api/escalation_policies/p0-oncall", headers=pd).json()
        rules = policy["escalation_policy"]["escalation_rules"]
        assert [r["targets"][0]["summary"] for r in rules] == ["primary", "secondary", "manager"]
        ack = {"incident": {"type": "incident_reference", "status": "acknowledged"}}
        url = f"/pagerduty/api/incidents/{incident['id']}"
        assert client.put(url, json=ack, headers=pd).status_code == 400  # From is required
        assert client.put(url, json=ack, headers={}).status_code == 401
        done = client.put(url, json=ack, headers={**pd, "From": "primary@example.org"})
        assert done.json()["incident"]["status"] == "acknowledged"
        entries = client.get(f"{url}/log_entries", headers=pd).json()["log_entries"]
        assert [e["type"] for e in entries] == [
            "trigger_log_entry",
            "notify_log_entry",
            "acknowledge_log_entry",
        ]
        assert entries[1]["user"]["summary"] == "primary"
        missing = client.get("/pagerduty/api/escalation_policies/nope", headers=pd)
        assert missing.status_code == 404
