"""App and traffic faults: the app's fault hooks (error rate, latency, plugin
failure, readiness failure, deployment failure, cache flush) and brute-force
sign-ins from one client. Hook faults restore the hooks as they were before."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from chaos.faults.base import FaultContext, injected, journaled, revert_action
from chaos.faults.registry import register
from harness import clock
from harness.errors import FaultInjectionError
from harness.fault_specs import (
    AppConnectionLeakFault,
    AppCpuBurnFault,
    AppErrorRateFault,
    AppLatencyFault,
    BruteForceFault,
    CacheFlushFault,
    DeploymentFailureFault,
    LivenessFailureFault,
    PluginFailureFault,
    ReadinessFailureFault,
)
from harness.polling import wait_until

HookFault = (
    AppErrorRateFault
    | AppLatencyFault
    | AppCpuBurnFault
    | AppConnectionLeakFault
    | PluginFailureFault
    | ReadinessFailureFault
    | LivenessFailureFault
    | DeploymentFailureFault
)


RESTORE_TIMEOUT_S = 30.0
"""A hook fault may get the app restarted (a liveness failure does, on purpose): its
revert waits until the app is back and accepts the hooks."""


@revert_action("restore-hooks")
def _restore_hooks(ctx: FaultContext, params: dict[str, Any]) -> None:
    app, hooks = ctx.app_hooks(), json.loads(params["hooks"])

    def restored() -> bool:
        app.set_hooks(hooks)
        return True

    wait_until(
        restored,
        RESTORE_TIMEOUT_S,
        expected="the app to accept its previous fault hooks",
        where=ctx.hooks_url,
    )


def _with_fault(hooks: dict[str, Any], spec: HookFault) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(hooks))
    if isinstance(spec, AppErrorRateFault):
        changed.setdefault("error_rate", {})[spec.route] = spec.ratio
    elif isinstance(spec, AppLatencyFault):
        changed.setdefault("latency_s", {})[spec.route] = spec.delay
    elif isinstance(spec, AppCpuBurnFault):
        changed["cpu_burn_threads"] = spec.threads
    elif isinstance(spec, AppConnectionLeakFault):
        changed["leaked_connections"] = spec.connections
    elif isinstance(spec, PluginFailureFault):
        changed["failing_plugins"] = sorted({*changed.get("failing_plugins", []), *spec.plugins})
    elif isinstance(spec, ReadinessFailureFault):
        changed["readiness_failure"] = True
    elif isinstance(spec, LivenessFailureFault):
        changed["liveness_failure"] = True
    else:
        changed["deployment_failure"] = True
    return changed


_DESCRIPTIONS: dict[type[HookFault], Callable[[Any], str]] = {
    AppErrorRateFault: lambda s: f"HTTP 500 for {s.ratio:.0%} of requests to {s.route}",
    AppLatencyFault: lambda s: f"{s.delay:g} s of latency on {s.route}",
    AppCpuBurnFault: lambda s: f"{s.threads} thread(s) burning CPU in the app's process",
    AppConnectionLeakFault: lambda s: f"{s.connections} database connection(s) leaked",
    PluginFailureFault: lambda s: f"plugins {', '.join(s.plugins)} failing",
    ReadinessFailureFault: lambda _: "readiness check failing",
    LivenessFailureFault: lambda _: "liveness check failing",
    DeploymentFailureFault: lambda _: "deployments failing",
}


def _describe(spec: HookFault) -> str:
    return _DESCRIPTIONS[type(spec)](spec)


def plan_hooks(spec: HookFault, ctx: FaultContext) -> list[str]:
    ctx.app_hooks().hooks()  # reachable, and the token is accepted
    return [
        f"set the app's fault hook: {_describe(spec)} ({ctx.hooks_url})",
        "revert: restore the hooks as they were",
    ]


@contextmanager
def hooks(spec: HookFault, ctx: FaultContext) -> Iterator[float]:
    app = ctx.app_hooks()
    before = app.hooks()
    undo = {"action": "restore-hooks", "hooks": json.dumps(before)}
    with journaled(ctx, spec.kind, {"app": ctx.hooks_url}, undo):
        at = clock.now()
        app.set_hooks(_with_fault(before, spec))
        yield injected(ctx, spec.kind, at, hook=_describe(spec))


def plan_cache_flush(spec: CacheFlushFault, ctx: FaultContext) -> list[str]:
    ctx.app_hooks().hooks()
    return [f"flush the app's catalog cache once ({ctx.hooks_url})", "revert: none (it refills)"]


@contextmanager
def cache_flush(spec: CacheFlushFault, ctx: FaultContext) -> Iterator[float]:
    with journaled(ctx, spec.kind, {"app": ctx.hooks_url}, {"action": "none"}):
        at = clock.now()
        ctx.app_hooks().flush_cache()
        yield injected(ctx, spec.kind, at)


def _attacked_user(spec: BruteForceFault, ctx: FaultContext) -> str:
    if not spec.guess:
        return spec.username
    if ctx.credentials is None:
        raise FaultInjectionError("brute-force with guess needs the target's credentials")
    return ctx.credentials[0]


def plan_brute_force(spec: BruteForceFault, ctx: FaultContext) -> list[str]:
    source = spec.client or "pagerdrill's own address"
    wrong = spec.attempts - 1 if spec.guess else spec.attempts
    steps = [
        f"{wrong} failed sign-ins as {_attacked_user(spec, ctx)} at {ctx.app_url}{spec.path} "
        f"from {source}, within {spec.within:g} s",
    ]
    if spec.guess:
        steps.append("then one sign-in with the right password (a guessed password)")
    return [*steps, "revert: none (the platform's block expires by itself)"]


@contextmanager
def brute_force(spec: BruteForceFault, ctx: FaultContext) -> Iterator[float]:
    """Bounded: at most `attempts` requests, and none after `within` seconds."""
    headers = {"X-Forwarded-For": spec.client} if spec.client else {}
    target = {"app": ctx.app_url, "client": spec.client or "self"}
    with journaled(ctx, spec.kind, target, {"action": "none"}):
        at = clock.now()
        deadline = time.monotonic() + spec.within
        answers: dict[str, int] = {}
        username = _attacked_user(spec, ctx)
        with httpx.Client(base_url=ctx.app_url, timeout=5, headers=headers) as client:
            for attempt in range(1, spec.attempts + 1):
                if time.monotonic() > deadline:
                    break
                password = secrets.token_urlsafe(12)
                if spec.guess and attempt == spec.attempts and ctx.credentials is not None:
                    password = ctx.credentials[1].get_secret_value()  # sent, never recorded
                form = {"username": username, "password": password}
                try:
                    status = str(client.post(spec.path, data=form).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                answers[status] = answers.get(status, 0) + 1
        yield injected(ctx, spec.kind, at, client=spec.client or "self", answers=answers)


for _spec in (
    AppErrorRateFault,
    AppLatencyFault,
    AppCpuBurnFault,
    AppConnectionLeakFault,
    PluginFailureFault,
    ReadinessFailureFault,
    LivenessFailureFault,
    DeploymentFailureFault,
):
    register(_spec, inject=hooks, plan=plan_hooks)
register(CacheFlushFault, inject=cache_flush, plan=plan_cache_flush)
register(BruteForceFault, inject=brute_force, plan=plan_brute_force)
