"""Stress and disk faults inside a pod's container, through exec (no Chaos Mesh,
no node access): the Docker sandbox's stress program (chaos/stress.py), started
detached, found and killed by its marker in the pod's process listing, ending by
itself after `max_s`; and disk-fill's bounded file (chaos/disk.py). Both need only
a shell, python3 (stress) and coreutils in the container."""

from __future__ import annotations

import shlex

from chaos import disk, stress
from chaos.kubernetes_api import WorkloadPods, serving
from harness import clock
from harness.errors import FaultInjectionError
from harness.polling import wait_until

STARTED_WITHIN_S = 5.0
EXIT_MARK = "pagerdrill-exit-status:"


class PodExec:
    def __init__(self, pods: WorkloadPods) -> None:
        self.pods = pods

    def _exec(self, workload: str, pod: str, argv: list[str]) -> str:
        """`argv`'s output in the pod, or an error with its exit status and output."""
        script = f"{shlex.join(argv)} 2>&1; echo {EXIT_MARK}$?"
        output, _, status = self.pods.run_script(workload, pod, script).rpartition(EXIT_MARK)
        if status.strip() != "0":
            raise FaultInjectionError(
                f"{argv[0]} in pod {pod} failed ({status.strip() or 'no exit status'}): "
                f"{output.strip()}"
            )
        return output.strip()

    def _running(self, workload: str) -> list[str]:
        """Every running pod of the workload: reverts and listings cover them all."""
        return sorted(p.metadata.name for p in self.pods.pods(workload) if serving(p))

    # stress

    def start_stress(
        self, workload: str, resource: str, amount: int, marker: str, max_s: float
    ) -> float:
        program = shlex.join(stress.command(resource, amount, marker, max_s))
        pods = self.pods.targets(workload)
        at = clock.now()
        for pod in pods:
            self.pods.run_script(workload, pod, f"nohup {program} >/dev/null 2>&1 &")
        wait_until(
            lambda: self.stress_processes(workload, marker),
            STARTED_WITHIN_S,
            expected="the stress program running",
            where=", ".join(pods),
            hint="the stress program needs python3 in the container",
        )
        return at

    def stress_processes(self, workload: str, marker: str) -> list[int]:
        """PIDs (in their pods) of the processes carrying `marker`."""
        return [p.pid for p in self.pods.processes(workload) if marker in p.command]

    def stop_stress(self, workload: str, marker: str) -> None:
        running = [p for p in self.pods.processes(workload) if marker in p.command]
        if running:
            self.pods.send_signal(workload, running, "KILL")

    # disk

    def free_bytes(self, workload: str, directory: str) -> int:
        pod = self.pods.targets(workload)[0]
        return disk.parse_df(self._exec(workload, pod, disk.df_command(directory)))

    def fill_disk(self, workload: str, path: str, megabytes: int) -> float:
        pods = self.pods.targets(workload)
        at = clock.now()
        for pod in pods:
            self._exec(workload, pod, disk.fill_command(path, megabytes))
        return at

    def remove_fill(self, workload: str, path: str) -> None:
        """In every running pod (a replaced pod or restarted container lost it anyway)."""
        for pod in self._running(workload):
            self._exec(workload, pod, ["rm", "-f", path])

    def fill_files(self, workload: str, directory: str, prefix: str) -> list[str]:
        found = (
            disk.parse_find(self._exec(workload, pod, disk.find_command(directory, prefix)))
            for pod in self._running(workload)
        )
        return sorted({path for paths in found for path in paths})
