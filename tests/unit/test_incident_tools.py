"""The incident side end to end on loopback: the incident automation (as Alertmanager
calls it) opens a war room and a status-page incident on the sink, which plays Slack's
Web API and the status page, and closes both on the resolved notification; the
readers pagerdrill follows them with see each open and close."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx

from harness.clients.slack import SlackClient
from harness.clients.statuspage import StatusPageClient
from remediation.incident_tools import StatusPageTool, WarRoomTool
from sandbox.incident_automation.app import Tools, create_app
from tests.sink_server import READ, TOKEN, served, served_sink


def _payload(status: str) -> dict[str, Any]:
    return {
        "status": status,
        "commonLabels": {"alertname": "IDPDown", "priority": "P0"},
        "commonAnnotations": {"summary": "IDP is down", "impact": "Nobody can work"},
        "alerts": [{"startsAt": "2026-12-03T10:00:00.123Z"}],
    }


def _tools(stack: ExitStack, base: str) -> tuple[WarRoomTool, StatusPageTool]:
    """The readers pagerdrill follows a drill's war room and status page with."""
    slack = stack.enter_context(SlackClient(f"{base}/slack/api", TOKEN))
    page = stack.enter_context(StatusPageClient(f"{base}/statuspage/v1", "sandbox", TOKEN))
    return WarRoomTool(slack, "inc-{alert}-"), StatusPageTool(page)


@contextmanager
def _automation(base: str, page_id: str = "sandbox") -> Iterator[httpx.Client]:
    tools = Tools(f"{base}/slack/api", TOKEN, f"{base}/statuspage/v1", page_id, TOKEN,
                  "developer-portal")  # fmt: skip
    with served(create_app(tools)) as client:
        yield client


def test_a_p0_opens_a_war_room_and_a_status_incident_and_its_resolution_closes_both() -> None:
    with ExitStack() as stack:
        sink = stack.enter_context(served_sink())
        base = str(sink.base_url).rstrip("/")
        war_room, status = _tools(stack, base)
        automation = stack.enter_context(_automation(base))
        assert automation.post("/alert/incident-automation", json=_payload("firing")).is_success
        # Alertmanager repeats a notification: nothing opens twice
        assert automation.post("/alert/incident-automation", json=_payload("firing")).is_success
        room, incident = war_room.find("IDPDown", 0), status.find("IDPDown", 0)
        assert room is not None
        assert room.where == "#inc-idpdown-1796292000"
        assert room.closed_at is None
        assert incident is not None
        assert '"Nobody can work"' in incident.where
        assert incident.closed_at is None
        channels = sink.get("/slack/api/conversations.list", headers=READ).json()["channels"]
        assert len(channels) == 1
        components = sink.get(
            "/statuspage/v1/pages/sandbox/components", headers={"Authorization": f"OAuth {TOKEN}"}
        ).json()
        assert components[0]["status"] == "major_outage"

        assert automation.post("/alert/incident-automation", json=_payload("resolved")).is_success
        closed_room, closed_incident = war_room.find("IDPDown", 0), status.find("IDPDown", 0)
        assert closed_room is not None
        assert closed_room.closed_at is not None
        assert closed_room.closed_at >= room.opened_at
        assert closed_incident is not None
        assert closed_incident.closed_at is not None
        slack = stack.enter_context(SlackClient(f"{base}/slack/api", TOKEN))
        history = slack.history("CINCIDPDOWN1796292000", 0)
        assert [m.subtype for m in history][:1] == ["channel_archive"]
        assert any(m.text.startswith("Resolved: IDPDown") for m in history)


def test_a_wrong_status_page_fails_the_notification_but_the_war_room_still_opens() -> None:
    with ExitStack() as stack:
        sink = stack.enter_context(served_sink())
        base = str(sink.base_url).rstrip("/")
        with _automation(base, page_id="sandbox-old") as automation:
            answer = automation.post("/alert/incident-automation", json=_payload("firing"))
        assert answer.status_code == 502  # Alertmanager retries, and counts it failed
        assert "statuspage" in answer.text
        assert TOKEN not in answer.text
        war_room, status = _tools(stack, base)
        assert status.find("IDPDown", 0) is None
        assert war_room.find("IDPDown", 0) is not None


def test_the_tool_apis_need_the_token() -> None:
    with served_sink() as sink:
        slack = sink.post("/slack/api/conversations.create", json={"name": "inc-x"})
        assert slack.json() == {"ok": False, "error": "not_authed"}
        wrong = sink.post(
            "/slack/api/conversations.create",
            json={"name": "inc-x"},
            headers={"Authorization": "Bearer nope"},
        )
        assert wrong.json() == {"ok": False, "error": "invalid_auth"}
        assert sink.get("/statuspage/v1/pages/sandbox/incidents").status_code == 401


def test_runbooks_are_served_and_an_unknown_one_is_404() -> None:
    with served_sink() as sink:
        page = sink.get("/runbooks/idp-down")
        assert page.status_code == 200
        assert page.text.startswith("# Developer portal down")
        assert sink.get("/runbooks/idp-outage").status_code == 404
        assert sink.get("/runbooks/..%2Fhttp.py").status_code == 404
