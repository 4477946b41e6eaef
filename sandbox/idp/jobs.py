"""Deployments run as background jobs: pending -> running -> deployed | failed.
Unfinished jobs are resumed when the app starts (after a crash, say)."""

from __future__ import annotations

import asyncio
import time

from sandbox.idp.catalog import Catalog
from sandbox.idp.hooks import FaultHooks
from sandbox.idp.metrics import DEPLOYMENT_DURATION, DEPLOYMENTS

QUEUE_S, ROLLOUT_S = 0.3, 1.0


class DeploymentRunner:
    def __init__(self, catalog: Catalog, hooks: FaultHooks) -> None:
        self.catalog = catalog
        self.hooks = hooks
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, deployment_id: int) -> None:
        task = asyncio.create_task(self._run(deployment_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def resume(self) -> None:
        for deployment_id in await self.catalog.unfinished_deployments():
            self.start(deployment_id)

    async def _run(self, deployment_id: int) -> None:
        started = time.monotonic()
        await asyncio.sleep(QUEUE_S)
        await self.catalog.set_deployment_status(deployment_id, "running", "rolling out")
        await asyncio.sleep(ROLLOUT_S)
        if self.hooks.deployment_failure:
            outcome, message = "failed", "rollout failed: pods never became ready"
        else:
            outcome, message = "deployed", "healthy"
        await self.catalog.set_deployment_status(deployment_id, outcome, message)
        DEPLOYMENTS.labels(outcome).inc()
        DEPLOYMENT_DURATION.observe(time.monotonic() - started)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
