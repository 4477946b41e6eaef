"""`pagerdrill sink` served on a loopback port (uvicorn in a thread): reads need the
token, writes need the write token when one is set, storage is bounded in count
and age, and PagerDuty incidents follow the Events API's trigger/resolve rules."""

from __future__ import annotations

import time

import httpx
import pytest

from sandbox.sink.records import Limits
from tests.sink_server import READ, TOKEN, served_sink


def _webhook(client: httpx.Client, alertname: str, receiver: str = "hook") -> None:
    body = {"status": "firing", "commonLabels": {"alertname": alertname, "priority": "P1"}}
    client.post(f"/webhook/{receiver}", json=body).raise_for_status()


def test_reads_need_the_token_and_never_echo_it() -> None:
    with served_sink() as client:
        _webhook(client, "A")
        assert client.get("/notifications").status_code == 401
        assert (
            client.get("/notifications", headers={"Authorization": "Bearer nope"}).status_code
            == 401
        )
        got = client.get("/notifications", headers=READ)
        assert [n["alertname"] for n in got.json()] == ["A"]
        assert TOKEN not in got.text
        slack = client.get("/slack/api/conversations.history", params={"channel": "CX"})
        assert slack.json() == {"ok": False, "error": "not_authed"}


def test_writes_need_the_write_token_when_one_is_set() -> None:
    with served_sink(write_token="write-token-5678") as client:
        body = {"status": "firing", "commonLabels": {"alertname": "A"}}
        assert client.post("/webhook/hook", json=body).status_code == 401
        ok = client.post(
            "/webhook/hook", json=body, headers={"Authorization": "Bearer write-token-5678"}
        )
        assert ok.status_code == 200


def test_storage_is_bounded_in_count_oldest_first() -> None:
    with served_sink(limits=Limits(max_records=3)) as client:
        for name in "ABCDE":
            _webhook(client, name)
        assert [n["alertname"] for n in client.get("/notifications", headers=READ).json()] == [
            "C",
            "D",
            "E",
        ]


def test_storage_drops_what_is_older_than_the_retention() -> None:
    with served_sink(limits=Limits(retention_s=0.2)) as client:
        _webhook(client, "old")
        time.sleep(0.3)
        _webhook(client, "new")
        names = [n["alertname"] for n in client.get("/notifications", headers=READ).json()]
        assert names == ["new"]


def test_pagerduty_incidents_follow_trigger_and_resolve() -> None:
    event = {"dedup_key": "g1", "routing_key": "secret-key", "payload": {"summary": "X down"}}
    with served_sink() as client:
        for action in ("trigger", "trigger", "resolve", "trigger"):
            client.post(
                "/pagerduty/svc/v2/enqueue", json={**event, "event_action": action}
            ).raise_for_status()
        pd = {"Authorization": f"Token token={TOKEN}"}
        incidents = client.get(
            "/pagerduty/api/incidents", params={"service_ids[]": "svc"}, headers=pd
        ).json()["incidents"]
        assert [(i["title"], i["status"]) for i in incidents] == [
            ("X down", "resolved"),
            ("X down", "triggered"),  # a trigger after the resolve opens a new one
        ]
        entries = client.get(
            f"/pagerduty/api/incidents/{incidents[0]['id']}/log_entries", headers=pd
        ).json()["log_entries"]
        assert [e["type"] for e in entries] == ["trigger_log_entry", "resolve_log_entry"]
        assert "secret-key" not in client.get("/notifications", headers=READ).text
        other = client.get(
            "/pagerduty/api/incidents", params={"service_ids[]": "other"}, headers=pd
        )
        assert other.json()["incidents"] == []


def test_slack_messages_land_in_their_channel_newest_first() -> None:
    with served_sink() as client:
        for title in ("[FIRING:1] A", "[RESOLVED] A"):
            payload = {"channel": "#incidents-critical", "attachments": [{"title": title}]}
            answer = client.post("/slack/slack-critical", json=payload)
            assert answer.text == "ok"  # Slack's webhooks answer a plain ok
        history = client.get(
            "/slack/api/conversations.history",
            params={"channel": "CINCIDENTSCRITICAL"},
            headers=READ,
        ).json()
        assert history["ok"] is True
        assert [m["attachments"][0]["title"] for m in history["messages"]] == [
            "[RESOLVED] A",
            "[FIRING:1] A",
        ]


@pytest.mark.parametrize("retention", ["0", "-1h", "x"])
def test_the_command_refuses_a_bad_retention(retention: str) -> None:
    import argparse

    from sandbox.sink.cli import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--retention", retention])
