"""Server-rendered pages: sign-in, dashboard, template catalog and creation,
component detail with deployments, deployment status, plugin marketplace."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from sandbox.idp.auth import attempt_login
from sandbox.idp.metrics import TEMPLATE_CREATIONS
from sandbox.idp.services import SESSION_COOKIE, current_user, services

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
LOGIN_ERRORS = {
    "failure": "Invalid username or password.",
    "blocked": "Too many failed sign-ins from your address. Try again later.",
}
router = APIRouter()


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/", response_model=None)
async def index(request: Request) -> RedirectResponse:
    return _to("/dashboard" if await current_user(request) else "/login")


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "login.html", {"error": None})


@router.post("/login", response_model=None)
async def login(request: Request, username: str = Form(...), password: str = Form(...)) -> Response:
    token, result = await attempt_login(request, username, password)
    if token is None:
        status = 429 if result == "blocked" else 401
        return TEMPLATES.TemplateResponse(
            request, "login.html", {"error": LOGIN_ERRORS[result]}, status_code=status
        )
    response = _to("/dashboard")
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
    return response


@router.post("/logout", response_model=None)
async def logout(request: Request) -> RedirectResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await services(request).store.close_session(token)
    response = _to("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/dashboard", response_model=None)
async def dashboard(request: Request) -> Response:
    user = await current_user(request)
    if user is None:
        return _to("/login")
    return TEMPLATES.TemplateResponse(request, "dashboard.html", {"user": user})


@router.get("/catalog", response_model=None)
async def catalog(request: Request) -> Response:
    if await current_user(request) is None:
        return _to("/login")
    svc = services(request)
    return TEMPLATES.TemplateResponse(
        request,
        "catalog.html",
        {"templates": await svc.cache.templates(), "components": await svc.catalog.components()},
    )


@router.get("/templates/{template_id}/create", response_model=None)
async def create_form(request: Request, template_id: str) -> Response:
    if await current_user(request) is None:
        return _to("/login")
    templates = {t.id: t for t in await services(request).cache.templates()}
    if template_id not in templates:
        return Response("no such template", status_code=404)
    return TEMPLATES.TemplateResponse(
        request, "create.html", {"template": templates[template_id], "error": None}
    )


@router.post("/templates/{template_id}/create", response_model=None)
async def create(request: Request, template_id: str) -> Response:
    user = await current_user(request)
    if user is None:
        return _to("/login")
    svc = services(request)
    templates = {t.id: t for t in await svc.cache.templates()}
    form = await request.form()
    name, owner = str(form.get("name", "")).strip(), str(form.get("owner", "")).strip() or user
    template = templates.get(template_id)
    if template is None:
        return Response("no such template", status_code=404)
    parameters = {p: str(form.get(p, "")) for p in template.parameters}
    if not name or not await svc.catalog.create_component(name, owner, template_id, parameters):
        TEMPLATE_CREATIONS.labels(template_id, "rejected").inc()
        error = "A name is required." if not name else f"A component named {name} exists."
        return TEMPLATES.TemplateResponse(
            request, "create.html", {"template": template, "error": error}, status_code=409
        )
    TEMPLATE_CREATIONS.labels(template_id, "created").inc()
    return _to(f"/components/{name}")


@router.get("/components/{name}", response_model=None)
async def component(request: Request, name: str) -> Response:
    if await current_user(request) is None:
        return _to("/login")
    svc = services(request)
    found = await svc.catalog.component(name)
    if found is None:
        return Response("no such component", status_code=404)
    return TEMPLATES.TemplateResponse(
        request,
        "component.html",
        {"component": found, "deployments": await svc.catalog.deployments(name)},
    )


@router.post("/components/{name}/deployments", response_model=None)
async def deploy(request: Request, name: str, environment: str = Form("staging")) -> Response:
    if await current_user(request) is None:
        return _to("/login")
    svc = services(request)
    if await svc.catalog.component(name) is None:
        return Response("no such component", status_code=404)
    deployment_id = await svc.catalog.create_deployment(name, environment)
    svc.jobs.start(deployment_id)
    return _to(f"/deployments/{deployment_id}")


@router.get("/deployments/{deployment_id}", response_model=None)
async def deployment(request: Request, deployment_id: int) -> Response:
    if await current_user(request) is None:
        return _to("/login")
    found = await services(request).catalog.deployment(deployment_id)
    if found is None:
        return Response("no such deployment", status_code=404)
    return TEMPLATES.TemplateResponse(request, "deployment.html", {"deployment": found})


@router.get("/plugins", response_model=None)
async def plugins(request: Request) -> Response:
    if await current_user(request) is None:
        return _to("/login")
    svc = services(request)
    return TEMPLATES.TemplateResponse(
        request, "plugins.html", {"plugins": await svc.plugins.statuses()}
    )
