"""The Docker platform adapter: workloads are containers named in the target file.
Only containers labelled drillable and matching the target's allowlist are ever
touched; everything else is refused before any call that changes something."""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import docker
import httpx
from docker.errors import APIError, DockerException, NotFound
from docker.models.containers import Container

from chaos import disk, netns, stress
from chaos.platform import ProcessRef, ResolvedTarget
from harness import clock
from harness.capabilities import Capability
from harness.closing import Closing
from harness.errors import FaultInjectionError, GuardRefused, InfrastructureError
from harness.polling import wait_until
from harness.target import DockerPlatform as DockerPlatformConfig

log = logging.getLogger("pagerdrill.api")


class DockerPlatform(Closing):
    """Containers of one Docker engine. No orchestrator: scale, evict and drain are
    Kubernetes' (a drill naming them on Docker is refused before anything runs)."""

    name: ClassVar[str] = "docker"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.PROCESS_LIFECYCLE,
            Capability.PROCESS_SIGNALS,
            Capability.FREEZE,
            Capability.NETWORK_PARTITION,
            Capability.NETWORK_SHAPING,
            Capability.RESOURCE_STRESS,
            Capability.DISK_FILL,
            Capability.DATABASE_PRIMARY,
        }
    )

    @classmethod
    def capabilities_for(cls, config: object) -> frozenset[Capability]:
        return cls.capabilities

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

    # finding targets

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
        """The workload's container, only if it is drillable and on the allowlist."""
        container = self._container(workload)
        labels, allow = container.labels, self.config.allow
        refusal = None
        if labels.get(self.config.drillable_label) != "true":
            refusal = f"is not labelled {self.config.drillable_label}=true"
        elif allow.container_names and not any(
            fnmatch.fnmatchcase(container.name, pattern) for pattern in allow.container_names
        ):
            refusal = f"matches none of the allowed names {', '.join(allow.container_names)}"
        elif any(labels.get(k) != v for k, v in allow.labels.items()):
            wanted = ", ".join(f"{k}={v}" for k, v in allow.labels.items())
            refusal = f"lacks the allowed labels {wanted}"
        if refusal:
            raise GuardRefused(
                f"container {container.name} (workload {workload}) {refusal}; "
                "pagerdrill touches only drillable, allowlisted containers"
            )
        return container

    def resolve(self, workload: str) -> ResolvedTarget:
        return ResolvedTarget(workload, self.guarded(workload).name, "container")

    def database_primary(self) -> str:
        database = self.config.database
        if database is None:
            raise InfrastructureError("the target names no platform.database")
        problems = []
        for url in database.api:
            log.debug("GET %s/cluster", url)
            try:
                cluster = httpx.get(f"{url}/cluster", timeout=5).raise_for_status().json()
            except (httpx.HTTPError, ValueError) as exc:
                problems.append(f"{url}: {exc}")
                continue
            leaders = [m["name"] for m in cluster.get("members", []) if m.get("role") == "leader"]
            if leaders:
                return str(database.members.get(leaders[0], leaders[0]))
            problems.append(f"{url}: no member has the leader role")
        raise InfrastructureError(f"no database primary found: {'; '.join(problems)}")

    # processes and containers

    def _host_pid(self, container: Container) -> int:
        pid = int(container.attrs["State"]["Pid"])
        if pid <= 0 or not Path(f"/proc/{pid}").exists():
            raise FaultInjectionError(
                f"container {container.name} has no running process on this host (pid {pid}); "
                "this fault needs the Docker engine on the machine that runs pagerdrill"
            )
        return pid

    def crash(self, workload: str) -> float:
        """SIGKILL the container's main process from the host, as a real crash would end
        it, so that the restart policy applies (a `docker kill` counts as a manual stop).
        Returns when the signal was sent."""
        container = self.guarded(workload)
        pid = self._host_pid(container)
        at = clock.now()
        log.debug("kill -9 %d (main process of container %s)", pid, container.name)
        os.kill(pid, signal.SIGKILL)
        return at

    def _act(self, workload: str, verb: str, action: Callable[[Container], object]) -> float:
        """`docker <verb>` on the guarded container; returns when it was asked."""
        container = self.guarded(workload)
        at = clock.now()
        log.debug("docker %s %s", verb, container.name)
        action(container)
        return at

    def kill(self, workload: str) -> float:
        return self._act(workload, "kill", lambda c: c.kill())

    def stop(self, workload: str, grace_s: float) -> float:
        return self._act(workload, "stop", lambda c: c.stop(timeout=round(grace_s)))

    def ensure_running(self, workload: str, timeout: float = 30.0) -> None:
        """Start (or unpause) the workload unless it runs or is about to be restarted."""
        container = self._container(workload)
        state = container.attrs["State"]
        if state["Paused"]:
            self.unpause(workload)
        elif not state["Running"] and not state["Restarting"]:
            log.debug("docker start %s", container.name)
            container.start()
        wait_until(
            lambda: self.is_running(workload),
            timeout,
            expected=f"container {container.name} running",
            where="the Docker engine",
            hint=f"see `docker logs {container.name}`",
        )

    def pause(self, workload: str) -> float:
        return self._act(workload, "pause", lambda c: c.pause())

    def unpause(self, workload: str) -> None:
        container = self._container(workload)
        if container.attrs["State"]["Paused"]:
            log.debug("docker unpause %s", container.name)
            container.unpause()

    def replicas(self, workload: str) -> int:
        """Running replicas: containers with the workload's replica labels, or its one
        container."""
        labels = self.config.workloads[workload].replicas
        if not labels:
            return 1 if self.is_running(workload) else 0
        filters = {"label": [f"{k}={v}" for k, v in labels.items()], "status": "running"}
        return len(self._client.containers.list(filters=filters))

    # network

    def networks(self, workload: str) -> dict[str, list[str]]:
        container = self._container(workload)
        attached = container.attrs["NetworkSettings"]["Networks"] or {}
        return {name: list(n.get("Aliases") or []) for name, n in attached.items()}

    def disconnect(self, workload: str, network: str) -> float:
        container = self.guarded(workload)
        at = clock.now()
        log.debug("docker network disconnect %s %s", network, container.name)
        self._client.networks.get(network).disconnect(container)
        return at

    def reconnect(self, workload: str, network: str, aliases: list[str]) -> None:
        if network in self.networks(workload):
            return
        container = self._container(workload)
        log.debug("docker network connect %s %s", network, container.name)
        own = {container.id[:12], container.name}
        self._client.networks.get(network).connect(
            container, aliases=[a for a in aliases if a not in own]
        )

    def add_latency(self, workload: str, delay_s: float, jitter_s: float) -> float:
        pid = self._host_pid(self.guarded(workload))
        at = clock.now()
        netns.add_latency(pid, delay_s, jitter_s)
        return at

    def add_loss(self, workload: str, percent: float) -> float:
        pid = self._host_pid(self.guarded(workload))
        at = clock.now()
        netns.add_loss(pid, percent)
        return at

    def clear_network_faults(self, workload: str) -> None:
        """Idempotent; a container that restarted since has a fresh namespace anyway."""
        container = self._container(workload)
        if container.attrs["State"]["Running"]:
            pid = self._host_pid(container)
            netns.clear_latency(pid)
            netns.clear_loss(pid)

    def network_faults(self, workload: str) -> list[str]:
        container = self._container(workload)
        if not container.attrs["State"]["Running"]:
            return []
        return netns.rules(self._host_pid(container))

    # resources

    def start_stress(
        self, workload: str, resource: str, amount: int, marker: str, max_s: float
    ) -> float:
        container = self.guarded(workload)
        at = clock.now()
        log.debug("docker exec -d %s (%s stress %d)", container.name, resource, amount)
        try:
            container.exec_run(stress.command(resource, amount, marker, max_s), detach=True)
        except APIError as exc:
            raise FaultInjectionError(f"cannot start stress in {container.name}: {exc}") from exc
        deadline = time.monotonic() + 5
        while not self.stress_processes(workload, marker):
            if time.monotonic() > deadline:
                raise FaultInjectionError(
                    f"no stress process started in {container.name}; the stress program "
                    "needs python3 in the container"
                )
            time.sleep(0.1)
        return at

    def stress_processes(self, workload: str, marker: str) -> list[int]:
        """Host PIDs of the processes carrying `marker` in the workload's container."""
        container = self._container(workload)
        if not container.attrs["State"]["Running"]:
            return []
        top = container.top(ps_args="-eo pid,args")
        return [int(row[0]) for row in top.get("Processes") or [] if marker in row[-1]]

    def stop_stress(self, workload: str, marker: str) -> None:
        for pid in self.stress_processes(workload, marker):
            log.debug("kill -9 %d (stress %s)", pid, marker)
            with contextlib.suppress(ProcessLookupError):  # it ended by itself
                os.kill(pid, signal.SIGKILL)

    # process signals

    def processes(self, workload: str) -> list[ProcessRef]:
        container = self._container(workload)
        if not container.attrs["State"]["Running"]:
            return []
        top = container.top(ps_args="-eo pid,stat,args")
        return [
            ProcessRef(container.name, int(row[0]), row[1][:1], row[-1])
            for row in top.get("Processes") or []
        ]

    def send_signal(self, workload: str, processes: list[ProcessRef], signal_name: str) -> float:
        """Signals from the host, and only PIDs that are the container's right now (a
        PID reused since, by another process, is never signalled)."""
        self.guarded(workload)
        current = {p.pid for p in self.processes(workload)}
        at = clock.now()
        for process in processes:
            if process.pid not in current:
                continue
            log.debug("kill -%s %d (%s)", signal_name, process.pid, process.command[:60])
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.kill(process.pid, signal.Signals[f"SIG{signal_name}"])
        return at

    # disk

    def _exec(self, container: Container, argv: list[str]) -> str:
        log.debug("docker exec %s %s", container.name, argv[0])
        code, output = container.exec_run(argv, user="0")
        text = output.decode(errors="replace").strip()
        if code != 0:
            raise FaultInjectionError(f"{argv[0]} in {container.name} failed ({code}): {text}")
        return str(text)

    def free_bytes(self, workload: str, directory: str) -> int:
        return disk.parse_df(self._exec(self._container(workload), disk.df_command(directory)))

    def fill_disk(self, workload: str, path: str, megabytes: int) -> float:
        container = self.guarded(workload)
        at = clock.now()
        self._exec(container, disk.fill_command(path, megabytes))
        return at

    def remove_fill(self, workload: str, path: str) -> None:
        container = self._container(workload)
        if _execable(container):
            self._exec(container, ["rm", "-f", path])
            return
        with contextlib.suppress(FileNotFoundError):  # stopped or paused: its layer
            _in_layer(container, path).unlink()

    def fill_files(self, workload: str, directory: str, prefix: str) -> list[str]:
        container = self._container(workload)
        if _execable(container):
            return disk.parse_find(self._exec(container, disk.find_command(directory, prefix)))
        folder = _in_layer(container, directory)
        return sorted(f"{directory.rstrip('/')}/{f.name}" for f in folder.glob(f"{prefix}*"))

    # observation

    def restart_count(self, workload: str) -> int:
        return int(self._container(workload).attrs["RestartCount"])

    def started_at(self, workload: str) -> float:
        """When the container's current process started (after a restart: the restart)."""
        return clock.parse_iso(self._container(workload).attrs["State"]["StartedAt"])

    def is_running(self, workload: str) -> bool:
        state = self._container(workload).attrs["State"]
        return bool(state["Running"]) and not state["Paused"]

    def is_paused(self, workload: str) -> bool:
        return bool(self._container(workload).attrs["State"]["Paused"])


def _execable(container: Container) -> bool:
    state = container.attrs["State"]
    return bool(state["Running"]) and not state["Paused"]


def _in_layer(container: Container, path: str) -> Path:
    """Where `path` of a stopped or paused container is on the host: its writable
    layer (files under a volume mount are not there)."""
    upper = (container.attrs.get("GraphDriver") or {}).get("Data", {}).get("UpperDir", "")
    return Path(upper or "/nonexistent") / path.lstrip("/")
