"""HTTP side of the sink's incident tools: Slack's Web API (channel history for the
webhook messages; channels and messages for the incident automation's war rooms),
a Statuspage-like REST API for the public status, and the sandbox's runbook wiki.

Slack authenticates every method with the sink's read token as its bot token and,
as Slack does, answers HTTP 200 with `ok: false` on any error. Statuspage takes
`Authorization: OAuth <key>` (the same token) and answers HTTP errors. Runbooks are
public pages, as a wiki's are to the engineers following a link."""

from __future__ import annotations

import hmac
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import PlainTextResponse

from sandbox.sink.slack import ChannelHistory
from sandbox.sink.statuspage import StatusIncident, StatusPage, StatusPageError
from sandbox.sink.workspace import SlackError, Workspace

RUNBOOKS = Path(__file__).resolve().parent.parent / "runbooks"
_PRESENTED = re.compile(r"^(?:Bearer |Token token=|OAuth )(?P<token>\S+)$")


def presents(request: Request, token: str | None) -> bool:
    """Whether the request carries `token` (always, when the sink has none)."""
    if token is None:
        return True
    presented = _PRESENTED.match(request.headers.get("authorization", ""))
    return presented is not None and hmac.compare_digest(presented["token"], token)


async def _arguments(request: Request) -> dict[str, Any]:
    """A Web API method's arguments: query string, then a JSON or form body."""
    found: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        if request.headers.get("content-type", "").startswith("application/json"):
            found.update(await request.json())
        else:
            found.update((await request.form()).items())
    return found


def add_slack_web_api(
    app: FastAPI, history: ChannelHistory, workspace: Workspace, token: str | None
) -> None:
    def history_of(args: dict[str, Any]) -> dict[str, Any]:
        found = history.history(str(args.get("channel", "")), float(args.get("oldest") or 0))
        return {"messages": [m.as_json() for m in found], "has_more": False}

    def create(args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": workspace.create(str(args.get("name", ""))).as_json()}

    def channels(args: dict[str, Any]) -> dict[str, Any]:
        exclude = str(args.get("exclude_archived", "false")).lower() == "true"
        return {
            "channels": [c.as_json() for c in workspace.channels(exclude)],
            "response_metadata": {"next_cursor": ""},
        }

    def archive(args: dict[str, Any]) -> dict[str, Any]:
        workspace.archive(str(args.get("channel", "")))
        return {}

    def post(args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        ts = workspace.post(channel, str(args.get("text", "")))
        return {"channel": channel, "ts": f"{ts:.6f}"}

    methods = {
        "conversations.history": history_of,
        "conversations.create": create,
        "conversations.list": channels,
        "conversations.archive": archive,
        "chat.postMessage": post,
    }

    @app.api_route("/slack/api/{method}", methods=["GET", "POST"])
    async def web_api(method: str, request: Request) -> dict[str, Any]:
        if not presents(request, token):
            presented = request.headers.get("authorization")
            return {"ok": False, "error": "invalid_auth" if presented else "not_authed"}
        call = methods.get(method)
        if call is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            return {"ok": True, **call(await _arguments(request))}
        except SlackError as exc:
            return {"ok": False, "error": str(exc)}


def add_statuspage_api(app: FastAPI, page: StatusPage, token: str | None) -> None:
    base = "/statuspage/v1/pages/{page_id}"

    def authorized(request: Request, page_id: str) -> None:
        if not presents(request, token):
            raise HTTPException(401, {"error": "Could not authenticate"})
        _answer(page.check_page, page_id)

    @app.get(base + "/components")
    async def components(page_id: str, request: Request) -> list[dict[str, object]]:
        authorized(request, page_id)
        return [c.as_json() for c in page.components.values()]

    @app.get(base + "/incidents")
    async def incidents(page_id: str, request: Request) -> list[dict[str, object]]:
        authorized(request, page_id)
        return [i.as_json(page_id) for i in page.incidents()]

    @app.get(base + "/incidents/unresolved")
    async def unresolved(page_id: str, request: Request) -> list[dict[str, object]]:
        authorized(request, page_id)
        return [i.as_json(page_id) for i in page.incidents(unresolved_only=True)]

    @app.post(base + "/incidents", status_code=201)
    async def create(page_id: str, request: Request) -> dict[str, object]:
        authorized(request, page_id)
        fields = (await request.json()).get("incident") or {}
        incident: StatusIncident = _answer(page.create, fields)
        return incident.as_json(page_id)

    @app.patch(base + "/incidents/{incident_id}")
    async def update(page_id: str, incident_id: str, request: Request) -> dict[str, object]:
        authorized(request, page_id)
        fields = (await request.json()).get("incident") or {}
        incident: StatusIncident = _answer(page.update, incident_id, fields)
        return incident.as_json(page_id)


def _answer(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except StatusPageError as exc:
        raise HTTPException(exc.status, {"error": str(exc)}) from exc


def add_runbooks(app: FastAPI) -> None:
    @app.get("/runbooks/{name}", response_class=PlainTextResponse)
    async def runbook(name: str) -> str:
        page = RUNBOOKS / f"{name}.md"
        if not re.fullmatch(r"[a-z0-9-]+", name) or not page.is_file():
            raise HTTPException(404, "no such runbook")
        return page.read_text()
