"""The Docker platform adapter: workloads are containers named in the target file,
and only those labelled drillable may be touched."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import docker
from docker.errors import DockerException, NotFound
from docker.models.containers import Container

from harness import clock
from harness.closing import Closing
from harness.errors import FaultInjectionError, GuardRefused, InfrastructureError
from harness.polling import wait_until
from harness.target import DockerPlatform as DockerPlatformConfig

log = logging.getLogger("pagerdrill.api")


class DockerPlatform(Closing):
    def __init__(self, config: DockerPlatformConfig) -> None:
        self.config = config
        try:
            self._client = docker.from_env()
            self._client.ping()
        except DockerException as exc:
            raise InfrastructureError(
                f"cannot reach the Docker engine ({exc}). "
                "Hint: start dockerd, or run scripts/setup."
            ) from exc

    def close(self) -> None:
        self._client.close()

    def container_name(self, workload: str) -> str:
        return self.config.workloads[workload].container

    def _container(self, workload: str) -> Container:
        name = self.container_name(workload)
        log.debug("docker inspect %s", name)
        try:
            container: Container = self._client.containers.get(name)
        except NotFound as exc:
            raise InfrastructureError(
                f"workload {workload}: no container named {name}. Hint: for the sandbox, "
                "`pagerdrill sandbox up`."
            ) from exc
        return container

    def guarded(self, workload: str) -> Container:
        """The workload's container, only if it is labelled drillable."""
        container = self._container(workload)
        if container.labels.get(self.config.drillable_label) != "true":
            raise GuardRefused(
                f"container {container.name} (workload {workload}) is not labelled "
                f"{self.config.drillable_label}=true; pagerdrill touches only drillable containers"
            )
        return container

    def crash(self, workload: str) -> float:
        """SIGKILL the container's main process from the host, as a real crash would end
        it, so that the restart policy applies (a `docker kill` counts as a manual stop).
        Returns when the signal was sent."""
        container = self.guarded(workload)
        pid = int(container.attrs["State"]["Pid"])
        if pid <= 0 or not Path(f"/proc/{pid}").exists():
            raise FaultInjectionError(
                f"container {container.name} has no running process on this host (pid {pid}); "
                "crash-process needs the Docker engine on the machine that runs pagerdrill"
            )
        at = clock.now()
        log.debug("kill -9 %d (main process of container %s)", pid, container.name)
        os.kill(pid, signal.SIGKILL)
        return at

    def restart_count(self, workload: str) -> int:
        return int(self._container(workload).attrs["RestartCount"])

    def started_at(self, workload: str) -> float:
        """When the container's current process started (after a restart: the restart)."""
        return clock.parse_iso(self._container(workload).attrs["State"]["StartedAt"])

    def is_running(self, workload: str) -> bool:
        return bool(self._container(workload).attrs["State"]["Running"])

    def ensure_running(self, workload: str, timeout: float = 30.0) -> None:
        """Start the workload if it is not running (and not about to be restarted)."""
        container = self._container(workload)
        state = container.attrs["State"]
        if not state["Running"] and not state["Restarting"]:
            log.debug("docker start %s", container.name)
            container.start()
        wait_until(
            lambda: self.is_running(workload),
            timeout,
            expected=f"container {container.name} running",
            where="the Docker engine",
            hint=f"see `docker logs {container.name}`",
        )
