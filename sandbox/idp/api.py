"""The JSON API for the same actions as the pages (what load generators use).

POST /api/login {"username", "password"} -> {"token"}   (then: Authorization: Bearer TOKEN)
GET  /api/templates
POST /api/components {"name", "owner", "template", "parameters"}
POST /api/components/{name}/deployments {"environment"} -> {"id", "status"}
GET  /api/deployments/{id}
GET  /api/plugins
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from sandbox.idp.auth import attempt_login
from sandbox.idp.metrics import TEMPLATE_CREATIONS
from sandbox.idp.services import current_user, services

router = APIRouter(prefix="/api")


class Credentials(BaseModel):
    username: str
    password: str


class NewComponent(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    owner: str = Field(min_length=1)
    template: str
    parameters: dict[str, str] = Field(default_factory=dict)


class NewDeployment(BaseModel):
    environment: str = "staging"


async def signed_in(request: Request) -> str:
    user = await current_user(request)
    if user is None:
        raise HTTPException(401, "sign in first: POST /api/login")
    return user


@router.post("/login")
async def login(request: Request, credentials: Credentials) -> dict[str, str]:
    token, result = await attempt_login(request, credentials.username, credentials.password)
    if token is None:
        raise HTTPException(429 if result == "blocked" else 401, result)
    return {"token": token}


@router.get("/templates")
async def templates(request: Request, _: str = Depends(signed_in)) -> list[dict[str, Any]]:
    return [t.__dict__ for t in await services(request).cache.templates()]


@router.post("/components", status_code=201)
async def create_component(
    request: Request, body: NewComponent, _: str = Depends(signed_in)
) -> dict[str, str]:
    svc = services(request)
    if body.template not in {t.id for t in await svc.cache.templates()}:
        raise HTTPException(404, f"no template {body.template}")
    if not await svc.catalog.create_component(
        body.name, body.owner, body.template, body.parameters
    ):
        TEMPLATE_CREATIONS.labels(body.template, "rejected").inc()
        raise HTTPException(409, f"a component named {body.name} exists")
    TEMPLATE_CREATIONS.labels(body.template, "created").inc()
    return {"name": body.name}


@router.post("/components/{name}/deployments", status_code=202)
async def deploy(
    request: Request, name: str, body: NewDeployment, _: str = Depends(signed_in)
) -> dict[str, Any]:
    svc = services(request)
    if await svc.catalog.component(name) is None:
        raise HTTPException(404, f"no component {name}")
    deployment_id = await svc.catalog.create_deployment(name, body.environment)
    svc.jobs.start(deployment_id)
    return {"id": deployment_id, "status": "pending"}


@router.get("/deployments/{deployment_id}")
async def deployment(
    request: Request, deployment_id: int, _: str = Depends(signed_in)
) -> dict[str, Any]:
    found = await services(request).catalog.deployment(deployment_id)
    if found is None:
        raise HTTPException(404, f"no deployment {deployment_id}")
    return {k: str(v) if k.endswith("_at") else v for k, v in found.items()}


@router.get("/plugins")
async def plugins(request: Request, _: str = Depends(signed_in)) -> list[dict[str, Any]]:
    svc = services(request)
    return [p.__dict__ for p in await svc.plugins.statuses()]
