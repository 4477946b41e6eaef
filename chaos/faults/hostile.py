"""hostile-traffic: requests an attacker would send (no session, a wrong admin
token, a blocked client retrying), from one client, sent in the background at a
bounded rate for a bounded time while the drill watches the platform's security
alerts. Leaving the fault stops the sender; there is nothing else to revert, and a
crashed run's sender died with it (journaled with `none` to undo)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from chaos.faults.base import FaultContext, injected, journaled
from chaos.faults.registry import register
from harness import clock
from harness.fault_specs import HostileRequest, HostileTrafficFault


def plan(spec: HostileTrafficFault, ctx: FaultContext) -> list[str]:
    source = spec.client or "pagerdrill's own address"
    return [
        *(f"{r.method} {ctx.app_url}{r.path} {spec.rate:g} times a second" for r in spec.requests),
        f"from {source}, for {spec.duration:g} s (at most {spec.total_requests()} requests)",
        "revert: stop sending (nothing else changed)",
    ]


class _Sender(threading.Thread):
    """Sends every request once per tick until stopped or `duration` is over; counts
    answers by request and status."""

    def __init__(self, spec: HostileTrafficFault, base_url: str) -> None:
        super().__init__(name="hostile-traffic", daemon=True)
        self.spec = spec
        self.base_url = base_url
        self.stopped = threading.Event()
        self.answers: Counter[str] = Counter()

    def run(self) -> None:
        spec, interval = self.spec, 1.0 / self.spec.rate
        headers = {"X-Forwarded-For": spec.client} if spec.client else {}
        deadline = clock.monotonic() + spec.duration
        with httpx.Client(base_url=self.base_url, timeout=5, headers=headers) as client:
            while not self.stopped.is_set() and clock.monotonic() < deadline:
                tick = clock.monotonic()
                for request in spec.requests:
                    self.answers[f"{request.method} {request.path}: {_send(client, request)}"] += 1
                self.stopped.wait(max(0.0, interval - (clock.monotonic() - tick)))


def _send(client: httpx.Client, request: HostileRequest) -> str:
    try:
        answer = client.request(
            request.method, request.path, headers=request.headers, json=request.body
        )
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return str(answer.status_code)


@contextmanager
def hostile_traffic(spec: HostileTrafficFault, ctx: FaultContext) -> Iterator[float]:
    target = {"app": ctx.app_url, "client": spec.client or "self"}
    with journaled(ctx, spec.kind, target, {"action": "none"}):
        sender = _Sender(spec, ctx.app_url)
        at = clock.now()
        sender.start()
        try:
            yield injected(ctx, spec.kind, at, client=spec.client or "self")
        finally:
            sender.stopped.set()
            sender.join(timeout=10)
            # the revert event (recorded by `journaled` with the target) says what came back
            target["answers"] = "; ".join(f"{k} x{n}" for k, n in sorted(sender.answers.items()))


register(HostileTrafficFault, inject=hostile_traffic, plan=plan)
