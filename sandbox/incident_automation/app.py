"""The incident automation: a webhook receiver of Alertmanager (like the SMS relay)
that gives a P0 its war room and its public status. A firing notification opens a
Slack channel through the Web API (`conversations.create`, then a kickoff message
with the summary and runbook) and an incident on the status page (Statuspage's REST
API: `investigating`, the affected component in `major_outage`, the alert's impact
statement as the public text). The resolved notification posts the resolution,
archives the channel and resolves the status-page incident.

Alertmanager repeats notifications, so every step first looks for what an earlier
one opened: the channel by its name (`inc-<alert>-<start>`), the incident by its
`metadata`. A failed step answers 502 (Alertmanager retries); the others still run.
Tokens are secrets: never logged."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import httpx
from fastapi import FastAPI, HTTPException, Request
from prometheus_client import Counter

from sandbox.webhook_service import add_probes

log = logging.getLogger("incident-automation")
STEPS = Counter("incident_automation_steps", "Incident tool calls.", ["tool", "result"])


@dataclass(frozen=True)
class Tools:
    slack_url: str
    """Slack's Web API base (`.../api`)."""
    slack_token: str
    statuspage_url: str
    """Statuspage's REST API base (`.../v1`)."""
    page_id: str
    statuspage_token: str
    component: str
    """The status page component the platform's P0s take down."""


@dataclass(frozen=True)
class Incident:
    alertname: str
    started: int
    status: str
    summary: str
    impact: str
    runbook: str

    @classmethod
    def of(cls, payload: dict[str, Any]) -> Incident:
        labels = payload.get("commonLabels") or {}
        annotations = payload.get("commonAnnotations") or {}
        starts = [str(a.get("startsAt", "")) for a in payload.get("alerts") or []]
        started = min((datetime.fromisoformat(s.replace("Z", "+00:00")) for s in starts if s),
                      default=None)  # fmt: skip
        return cls(
            str(labels.get("alertname", "alert")),
            int(started.timestamp()) if started else 0,
            str(payload.get("status", "firing")),
            str(annotations.get("summary", "")),
            str(annotations.get("impact", "")),
            str(annotations.get("runbook", "")),
        )

    @property
    def channel(self) -> str:
        return f"inc-{self.alertname.lower()}-{self.started}"

    @property
    def metadata(self) -> dict[str, dict[str, str]]:
        return {"alertmanager": {"alertname": self.alertname, "started": str(self.started)}}


class SlackFailed(Exception):
    pass


class Step(Protocol):
    async def open(self, incident: Incident) -> None: ...

    async def close(self, incident: Incident) -> None: ...

    async def aclose(self) -> None: ...


class WarRoom:
    def __init__(self, tools: Tools) -> None:
        self._client = httpx.AsyncClient(
            base_url=tools.slack_url,
            timeout=5,
            headers={"Authorization": f"Bearer {tools.slack_token}"},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _call(self, method: str, **args: Any) -> dict[str, Any]:
        answer = await self._client.post(f"/{method}", json=args)
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        if not body.get("ok"):
            raise SlackFailed(f"{method}: {body.get('error')}")
        return body

    async def _find(self, name: str) -> dict[str, Any] | None:
        listed = await self._call("conversations.list", exclude_archived=False)
        return next((c for c in listed["channels"] if c["name"] == name), None)

    async def open(self, incident: Incident) -> None:
        try:
            created = await self._call("conversations.create", name=incident.channel)
        except SlackFailed as exc:
            if "name_taken" not in str(exc):
                raise
            return  # an earlier notification opened it
        text = (
            f"War room for {incident.alertname} (P0). {incident.summary}\n"
            f"Impact: {incident.impact}\nRunbook: {incident.runbook}"
        )
        await self._call("chat.postMessage", channel=created["channel"]["id"], text=text)

    async def close(self, incident: Incident) -> None:
        channel = await self._find(incident.channel)
        if channel is None or channel["is_archived"]:
            return
        text = f"Resolved: {incident.alertname} is over. Closing the war room."
        await self._call("chat.postMessage", channel=channel["id"], text=text)
        await self._call("conversations.archive", channel=channel["id"])


class StatusPageUpdater:
    def __init__(self, tools: Tools) -> None:
        self._tools = tools
        self._client = httpx.AsyncClient(
            base_url=f"{tools.statuspage_url}/pages/{tools.page_id}",
            timeout=5,
            headers={"Authorization": f"OAuth {tools.statuspage_token}"},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _open_incident(self, incident: Incident) -> dict[str, Any] | None:
        answer = await self._client.get("/incidents/unresolved")
        answer.raise_for_status()
        found: list[dict[str, Any]] = answer.json()
        return next((i for i in found if i.get("metadata") == incident.metadata), None)

    async def open(self, incident: Incident) -> None:
        if await self._open_incident(incident) is not None:
            return
        body = {
            "incident": {
                "name": incident.impact or "Service disruption",
                "status": "investigating",
                "impact_override": "critical",
                "body": f"We are investigating: {incident.impact}",
                "component_ids": [self._tools.component],
                "components": {self._tools.component: "major_outage"},
                "metadata": incident.metadata,
            }
        }
        (await self._client.post("/incidents", json=body)).raise_for_status()

    async def close(self, incident: Incident) -> None:
        found = await self._open_incident(incident)
        if found is None:
            return
        body = {
            "incident": {
                "status": "resolved",
                "body": "This incident has been resolved.",
                "components": {self._tools.component: "operational"},
            }
        }
        (await self._client.patch(f"/incidents/{found['id']}", json=body)).raise_for_status()


def _why(exc: Exception) -> str:
    """What failed, without URLs or bodies (they could carry a token)."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"answered {exc.response.status_code}"
    return type(exc).__name__ if isinstance(exc, httpx.HTTPError) else str(exc)


def create_app(tools: Tools) -> FastAPI:
    steps: dict[str, Step] = {"slack": WarRoom(tools), "statuspage": StatusPageUpdater(tools)}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        for step in steps.values():
            await step.aclose()

    app = FastAPI(title="incident automation", lifespan=lifespan)

    @app.post("/alert/{receiver}")
    async def alert(receiver: str, request: Request) -> dict[str, str]:
        incident = Incident.of(await request.json())
        failed = []
        for tool, step in steps.items():
            try:
                if incident.status == "resolved":
                    await step.close(incident)
                else:
                    await step.open(incident)
            except (httpx.HTTPError, SlackFailed) as exc:
                STEPS.labels(tool, "failed").inc()
                log.warning("%s for %s failed: %s", tool, incident.alertname, _why(exc))
                failed.append(tool)
                continue
            STEPS.labels(tool, "done").inc()
        if failed:
            raise HTTPException(502, f"{', '.join(failed)} failed")
        return {"status": "done"}

    add_probes(app)
    return app
