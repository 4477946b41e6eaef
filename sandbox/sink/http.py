"""HTTP side of the sink.

Writes, in the shapes Alertmanager really sends: PagerDuty Events v2, Slack incoming
webhooks, an SMS provider's Messages API (form POST, as the SMS relay sends it) and
plain webhooks. Reads: `GET /notifications` (every capture), and the read side of
the PagerDuty REST API and the Slack Web API for what those two received. The
incident tools (Slack channels, the status page, runbooks): incident_apis.py.

Reads need the sink's token (`Authorization: Bearer`, or `Token token=` as PagerDuty
has it) when one is set; writes need the write token when one is set (Alertmanager
sends it with `http_config.authorization`). Routing keys, webhook URLs and tokens
are neither recorded nor logged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse

from sandbox.sink.incident_apis import (
    add_runbooks,
    add_slack_web_api,
    add_statuspage_api,
    presents,
)
from sandbox.sink.pagerduty import IncidentBook, Policies
from sandbox.sink.records import Channel, Limits, NotificationLog, Status
from sandbox.sink.slack import ChannelHistory
from sandbox.sink.statuspage import StatusPage
from sandbox.sink.workspace import Workspace


@dataclass(frozen=True)
class SinkConfig:
    limits: Limits = field(default_factory=Limits)
    read_token: str | None = None
    write_token: str | None = None
    policies: Policies = dict
    """PagerDuty service (receiver) -> its escalation policy, as they are now."""
    status_page: str = "sandbox"
    """The status page's ID (its API answers 404 for any other page)."""


STATUS_COMPONENTS = {"developer-portal": "Developer portal"}
"""The status page's components: what the public sees (ID -> name)."""


def _status(value: object) -> Status:
    return "resolved" if value in ("resolved", "resolve") else "firing"


def _slack_fields(payload: dict[str, Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for attachment in payload.get("attachments") or []:
        for item in attachment.get("fields") or []:
            fields[str(item.get("title"))] = str(item.get("value"))
    return fields


# What the SMS relay writes: "[FIRING] P0 IDPDown: summary" ("[FIRING:2]" from others).
_SMS_TEXT = re.compile(
    r"^\[(?P<status>[A-Za-z]+)(?::\d+)?\] (?P<priority>\S+) (?P<alertname>[^:\s]+)"
)


def _authorizer(token: str | None) -> Any:
    def authorize(request: Request) -> None:
        if not presents(request, token):
            raise HTTPException(401, "a valid token is required")

    return Depends(authorize)


def create_app(config: SinkConfig | None = None) -> FastAPI:
    config = config or SinkConfig()
    log = NotificationLog(config.limits)
    incidents = IncidentBook(config.limits, config.policies)
    channels = ChannelHistory(config.limits)
    workspace = Workspace(channels)
    status_page = StatusPage(config.status_page, STATUS_COMPONENTS)
    app = FastAPI(title="pagerdrill sink")
    reader, writer = _authorizer(config.read_token), _authorizer(config.write_token)

    @app.post("/pagerduty/{receiver}/v2/enqueue", status_code=202, dependencies=[writer])
    async def pagerduty(receiver: str, request: Request) -> dict[str, str]:
        event = await request.json()
        details = (event.get("payload") or {}).get("custom_details") or {}
        incidents.event(receiver, event)
        log.add(
            receiver,
            "pagerduty",
            str(details.get("alertname", "")),
            str(details.get("priority", "")),
            _status(event.get("event_action")),
        )
        return {
            "status": "success",
            "message": "Event processed",
            "dedup_key": str(event.get("dedup_key", "")),
        }

    @app.post("/slack/{receiver}", dependencies=[writer], response_class=PlainTextResponse)
    async def slack(receiver: str, request: Request) -> str:
        """Slack's incoming webhooks answer a plain `ok` (Alertmanager checks it)."""
        payload = await request.json()
        channels.post(receiver, payload)
        fields = _slack_fields(payload)
        log.add(
            receiver,
            "slack",
            fields.get("alertname", ""),
            fields.get("priority", ""),
            _status(fields.get("status")),
        )
        return "ok"

    @app.post("/webhook/{receiver}", dependencies=[writer])
    async def webhook(receiver: str, request: Request) -> dict[str, str]:
        body = await request.json()
        labels = body.get("commonLabels") or {}
        channel: Channel = "webhook"
        log.add(
            receiver,
            channel,
            str(labels.get("alertname", "")),
            str(labels.get("priority", "")),
            _status(body.get("status")),
        )
        return {"status": "accepted"}

    @app.post("/sms/{receiver}/2010-04-01/Accounts/{account}/Messages.json", status_code=201)
    async def sms(receiver: str, account: str, request: Request) -> dict[str, str]:
        """An SMS provider's Messages API: form fields To/From/Body, basic auth."""
        if not request.headers.get("authorization", "").startswith("Basic "):
            raise HTTPException(401, "account credentials required")
        form = await request.form()
        fields = {name: str(form.get(name, "")) for name in ("To", "From", "Body")}
        parsed = _SMS_TEXT.match(fields["Body"])
        if not fields["To"] or parsed is None:
            raise HTTPException(400, "a message needs To and a Body naming an alert")
        record = log.add(
            receiver,
            "sms",
            parsed["alertname"],
            parsed["priority"],
            _status(parsed["status"].lower()),
        )
        return {"sid": f"SM{int(record.received_at * 1e6)}", "status": "queued", "to": fields["To"]}

    @app.get("/notifications", dependencies=[reader])
    async def notifications(since: float = 0.0) -> list[dict[str, object]]:
        return [record.as_json() for record in log.since(since)]

    @app.delete("/notifications", status_code=204, dependencies=[reader])
    async def clear() -> None:
        log.clear()
        incidents.clear()
        channels.clear()
        workspace.clear()
        status_page.clear()

    _add_pagerduty_rest(app, incidents, reader)

    add_slack_web_api(app, channels, workspace, config.read_token)
    add_statuspage_api(app, status_page, config.read_token)
    add_runbooks(app)

    @app.get("/healthz")
    async def healthz() -> str:
        return "ok"

    return app


def _add_pagerduty_rest(app: FastAPI, incidents: IncidentBook, reader: Any) -> None:
    """The read side of PagerDuty's REST API v2, and acknowledging an incident (its
    REST token is the sink's read token, as a PagerDuty API key allows both)."""

    @app.get("/pagerduty/api/incidents", dependencies=[reader])
    async def pagerduty_incidents(
        service_ids: Annotated[list[str], Query(alias="service_ids[]")] = [],  # noqa: B006
        since: str = "1970-01-01T00:00:00Z",
        until: str = "2999-01-01T00:00:00Z",
    ) -> dict[str, Any]:
        found = incidents.incidents(service_ids, _parse_iso(since), _parse_iso(until))
        return {
            "incidents": [i.as_json() for i in found],
            "limit": 100,
            "offset": 0,
            "more": False,
            "total": None,
        }

    @app.get("/pagerduty/api/incidents/{incident_id}/log_entries", dependencies=[reader])
    async def pagerduty_log_entries(incident_id: str) -> dict[str, Any]:
        incident = incidents.find(incident_id)
        if incident is None:
            raise HTTPException(404, {"error": {"message": "Not Found", "code": 2100}})
        entries = incident.log_entries()
        return {"log_entries": entries, "limit": 100, "offset": 0, "more": False, "total": None}

    @app.put("/pagerduty/api/incidents/{incident_id}", dependencies=[reader])
    async def pagerduty_update_incident(incident_id: str, request: Request) -> dict[str, Any]:
        """PagerDuty REST: `{"incident": {"type": "incident_reference", "status":
        "acknowledged"}}` with the acting user's e-mail in the `From` header."""
        body = await request.json()
        status = str((body.get("incident") or {}).get("status", ""))
        by = request.headers.get("from", "")
        if status != "acknowledged" or not by:
            raise HTTPException(400, {"error": {"message": "Invalid Input Provided", "code": 2001}})
        incident = incidents.acknowledge(incident_id, by)
        if incident is None:
            raise HTTPException(404, {"error": {"message": "Not Found", "code": 2100}})
        return {"incident": incident.as_json()}

    @app.get("/pagerduty/api/escalation_policies/{policy_id}", dependencies=[reader])
    async def pagerduty_escalation_policy(policy_id: str) -> dict[str, Any]:
        policy = incidents.policy(policy_id)
        if policy is None:
            raise HTTPException(404, {"error": {"message": "Not Found", "code": 2100}})
        return {"escalation_policy": policy.as_json()}


def _parse_iso(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()
