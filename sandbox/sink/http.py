"""HTTP side of the sink: PagerDuty Events v2, Slack webhooks, an SMS provider's
Messages API (form POST, as the SMS relay sends it) and plain webhooks.

Payload shapes are the ones Alertmanager really sends. Routing keys and webhook
URLs are secrets: they are neither recorded nor logged.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, HTTPException, Request

from sandbox.sink.records import Channel, NotificationLog, Status


def _status(value: object) -> Status:
    return "resolved" if value in ("resolved", "resolve") else "firing"


def _slack_fields(payload: dict[str, Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for attachment in payload.get("attachments") or []:
        for field in attachment.get("fields") or []:
            fields[str(field.get("title"))] = str(field.get("value"))
    return fields


# What the SMS relay writes: "[FIRING] P0 IDPDown: summary" ("[FIRING:2]" from others).
_SMS_TEXT = re.compile(
    r"^\[(?P<status>[A-Za-z]+)(?::\d+)?\] (?P<priority>\S+) (?P<alertname>[^:\s]+)"
)


def create_app(log: NotificationLog) -> FastAPI:
    app = FastAPI(title="notification sink")

    @app.post("/pagerduty/{receiver}/v2/enqueue", status_code=202)
    async def pagerduty(receiver: str, request: Request) -> dict[str, str]:
        event = await request.json()
        details = (event.get("payload") or {}).get("custom_details") or {}
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

    @app.post("/slack/{receiver}")
    async def slack(receiver: str, request: Request) -> str:
        fields = _slack_fields(await request.json())
        log.add(
            receiver,
            "slack",
            fields.get("alertname", ""),
            fields.get("priority", ""),
            _status(fields.get("status")),
        )
        return "ok"

    @app.post("/webhook/{receiver}")
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

    @app.get("/notifications")
    async def notifications(since: float = 0.0) -> list[dict[str, object]]:
        return [record.as_json() for record in log.since(since)]

    @app.delete("/notifications", status_code=204)
    async def clear() -> None:
        log.clear()

    @app.get("/healthz")
    async def healthz() -> str:
        return "ok"

    return app
