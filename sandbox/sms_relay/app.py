"""The relay: `POST /alert/{receiver}` takes Alertmanager's webhook payload and sends
one SMS per notification to the provider's Messages endpoint, form-encoded, with
the account's credentials as HTTP basic auth. A provider failure answers 502, so
Alertmanager retries. The auth token is a secret: never logged or echoed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Request
from prometheus_client import Counter

from sandbox.webhook_service import add_probes

log = logging.getLogger("sms-relay")
MESSAGES = Counter("sms_relay_messages", "Text messages handed to the SMS provider.", ["result"])
MAX_LENGTH = 160


@dataclass(frozen=True)
class SmsProvider:
    """`api_url` is the provider's base URL; a receiver's messages go to
    `{api_url}/{receiver}/2010-04-01/Accounts/{account}/Messages.json`."""

    api_url: str
    account: str
    token: str
    sender: str
    recipient: str


def message_text(payload: dict[str, Any]) -> str:
    """`[FIRING] P0 IDPDown: summary`, cut to one SMS."""
    labels = payload.get("commonLabels") or {}
    annotations = payload.get("commonAnnotations") or {}
    text = (
        f"[{str(payload.get('status', 'firing')).upper()}] {labels.get('priority', '?')} "
        f"{labels.get('alertname', '?')}: {annotations.get('summary', '')}"
    )
    return text[:MAX_LENGTH]


def create_app(provider: SmsProvider) -> FastAPI:
    app = FastAPI(title="sms relay")
    client = httpx.AsyncClient(timeout=5, auth=(provider.account, provider.token))

    @app.post("/alert/{receiver}")
    async def alert(receiver: str, request: Request) -> dict[str, str]:
        url = f"{provider.api_url}/{receiver}/2010-04-01/Accounts/{provider.account}/Messages.json"
        form = {
            "To": provider.recipient,
            "From": provider.sender,
            "Body": message_text(await request.json()),
        }
        try:
            answer = await client.post(url, data=form)
            answer.raise_for_status()
        except httpx.HTTPError as exc:
            MESSAGES.labels("failed").inc()
            log.warning("SMS provider refused a message for %s: %s", receiver, type(exc).__name__)
            raise HTTPException(502, "SMS provider unavailable") from exc
        MESSAGES.labels("sent").inc()
        return {"status": "sent"}

    add_probes(app)
    return app
