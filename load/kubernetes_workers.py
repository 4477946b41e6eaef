"""Locust workers as pods of the target's cluster: a Job of `pods` workers that
connect to the master the load runner starts on this machine. The locustfile's
folder goes in a ConfigMap, the credentials in a Secret; all three are deleted when
the load ends, and journaled before they are created like a fault, so that
`pagerdrill recover` deletes what a killed run left. A Job, not a Deployment: its
`activeDeadlineSeconds` ends the workers even when pagerdrill is killed and nobody
recovers, and a worker that exits with the master is done, not restarted::

    pods = WorkerPods(platform, workers, locustfile, credentials, max_s, journal=journal)
    ...start the master on pods.master_address:pods.port...
    pods.start()
    ...
    pods.close()
"""

from __future__ import annotations

import functools
import logging
import secrets
import socket
from pathlib import Path
from typing import Any

from kubernetes import client
from pydantic import SecretStr

from harness.clients.kubernetes import DELETABLE_KINDS, CheckedApi, api_client, delete_named
from harness.closing import Closing
from harness.journal import FaultJournal, JournalEntry
from harness.polling import wait_until
from harness.target import KubernetesPlatform, LoadWorkerPods
from load.credentials import VARIABLES as CREDENTIAL_VARIABLES

log = logging.getLogger("pagerdrill.load")
MANAGED_BY = {"app.kubernetes.io/managed-by": "pagerdrill"}
LOAD_LABEL = "pagerdrill.io/load"
MOUNT = "/locust"
DEADLINE_MARGIN_S = 120
"""The Job outlives the load's own bound by this much at most (workers connecting,
the master's stop timeout)."""
GONE_TIMEOUT_S = 60.0


def free_port(address: str) -> int:
    """A TCP port free on `address` now (the master binds it next)."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as probe:
        probe.bind((address, 0))
        port: int = probe.getsockname()[1]
        return port


class WorkerPods(Closing):
    def __init__(
        self,
        platform: KubernetesPlatform,
        workers: LoadWorkerPods,
        locustfile: Path,
        credentials: tuple[str, SecretStr],
        max_s: float,
        *,
        journal: FaultJournal,
    ) -> None:
        self.platform = platform
        self.workers = workers
        self.locustfile = locustfile
        self.credentials = credentials
        self.max_s = max_s
        self.journal = journal
        self._entry: JournalEntry | None = None
        self.name = f"pagerdrill-load-{secrets.token_hex(4)}"
        self.master_address = str(workers.master_address)
        self._api: client.ApiClient | None = None
        self._core: Any = None
        self._batch: Any = None

    @property
    def count(self) -> int:
        return self.workers.pods

    @functools.cached_property
    def port(self) -> int:
        """The master's port, chosen when first asked (the master's command line)."""
        return free_port(self.master_address)

    def __enter__(self) -> WorkerPods:
        self.start()
        return self

    def start(self) -> None:
        """Create the ConfigMap, the Secret and the Job (deleted again on a failure)."""
        self._api = api_client(self.platform)
        self._core = CheckedApi(client.CoreV1Api(self._api))
        self._batch = CheckedApi(client.BatchV1Api(self._api))
        namespace = self.platform.namespace
        objects = {"namespace": namespace, "name": self.name}
        self._entry = self.journal.opened(
            "load-worker-pods",
            {"job": self.name, "namespace": namespace},
            {"action": "delete-kubernetes-objects", **objects, "kinds": list(DELETABLE_KINDS)},
        )
        try:
            self._core.create_namespaced_config_map(namespace, self._config_map())
            self._core.create_namespaced_secret(namespace, self._secret())
            self._batch.create_namespaced_job(namespace, self._job())
        except BaseException:
            self.close()
            raise
        log.debug("created Job %s: %d Locust worker pod(s)", self.name, self.count)

    def close(self) -> None:
        """Delete the Job (its pods with it), the Secret and the ConfigMap, and wait
        until no worker pod is left; idempotent."""
        if self._api is None:
            return
        delete_named(self._api, self.platform.namespace, self.name, DELETABLE_KINDS)
        wait_until(
            lambda: not self.pods(),
            GONE_TIMEOUT_S,
            interval=0.5,
            expected=f"no Locust worker pod of {self.name} left",
            where=f"namespace {self.platform.namespace}",
        )
        if self._entry is not None:
            self.journal.closed(self._entry)
            self._entry = None
        self._api.close()  # type: ignore[no-untyped-call]
        self._api = None

    def pods(self) -> list[Any]:
        return list(
            self._core.list_namespaced_pod(
                self.platform.namespace, label_selector=f"{LOAD_LABEL}={self.name}"
            ).items
        )

    def _meta(self) -> client.V1ObjectMeta:
        return client.V1ObjectMeta(
            name=self.name,
            namespace=self.platform.namespace,
            labels={**MANAGED_BY, LOAD_LABEL: self.name},
        )

    def _config_map(self) -> client.V1ConfigMap:
        """The locustfile's folder (its helpers import each other from there)."""
        files = {p.name: p.read_text() for p in sorted(self.locustfile.parent.glob("*.py"))}
        return client.V1ConfigMap(metadata=self._meta(), data=files)

    def _secret(self) -> client.V1Secret:
        username, password = self.credentials
        return client.V1Secret(
            metadata=self._meta(),
            string_data={"username": username, "password": password.get_secret_value()},
        )

    def _command(self) -> list[str]:
        return [
            "locust", "--worker",
            "--master-host", self.master_address, "--master-port", str(self.port),
            "-f", f"{MOUNT}/{self.locustfile.name}", "--loglevel", "WARNING",
        ]  # fmt: skip

    def _job(self) -> client.V1Job:
        def from_secret(variable: str, key: str) -> client.V1EnvVar:
            selector = client.V1SecretKeySelector(name=self.name, key=key)
            return client.V1EnvVar(
                name=variable, value_from=client.V1EnvVarSource(secret_key_ref=selector)
            )

        container = client.V1Container(
            name="locust-worker",
            image=self.workers.image,
            image_pull_policy="IfNotPresent",
            command=self._command(),
            env=[from_secret(variable, key) for variable, key in CREDENTIAL_VARIABLES.items()],
            resources=client.V1ResourceRequirements(
                requests={"cpu": self.workers.cpu, "memory": "128Mi"},
                limits={"cpu": self.workers.cpu, "memory": "512Mi"},
            ),
            volume_mounts=[client.V1VolumeMount(name="locustfiles", mount_path=MOUNT)],
        )
        pod = client.V1PodSpec(
            restart_policy="Never",
            automount_service_account_token=False,
            enable_service_links=False,
            containers=[container],
            volumes=[
                client.V1Volume(
                    name="locustfiles",
                    config_map=client.V1ConfigMapVolumeSource(name=self.name),
                )
            ],
        )
        return client.V1Job(
            metadata=self._meta(),
            spec=client.V1JobSpec(
                parallelism=self.count,
                completions=self.count,
                backoff_limit=0,
                active_deadline_seconds=int(self.max_s) + DEADLINE_MARGIN_S,
                ttl_seconds_after_finished=60,
                template=client.V1PodTemplateSpec(
                    metadata=client.V1ObjectMeta(labels={**MANAGED_BY, LOAD_LABEL: self.name}),
                    spec=pod,
                ),
            ),
        )
