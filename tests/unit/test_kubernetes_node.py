"""Faults from the node without Chaos Mesh: finding a container's host PID by the
ID in its cgroup path. The faults themselves run against the Kubernetes sandbox
(the compliance checks of tests/integration/test_kubernetes_sandbox.py)."""

from __future__ import annotations

from pathlib import Path

from chaos.kubernetes_node import host_pid

CONTAINER = "4f1c" + "0" * 60


def _proc(tmp_path: Path, cgroups: dict[int, str]) -> Path:
    for pid, text in cgroups.items():
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "cgroup").write_text(text)
    (tmp_path / "self").mkdir()  # not a PID
    return tmp_path


def test_the_lowest_pid_whose_cgroup_names_the_container(tmp_path: Path) -> None:
    cgroupfs = f"0::/kubepods/burstable/pod1234/{CONTAINER}\n"
    systemd = f"0::/kubepods.slice/cri-containerd-{CONTAINER}.scope\n"
    proc = _proc(tmp_path, {900: cgroupfs, 77: systemd, 12: "0::/system.slice/x\n"})
    assert host_pid(f"containerd://{CONTAINER}", proc) == 77
    assert host_pid("containerd://" + "9" * 64, proc) is None


def test_a_process_that_ends_while_listed_is_skipped(tmp_path: Path) -> None:
    proc = _proc(tmp_path, {5: f"0::/kubepods/{CONTAINER}\n"})
    (tmp_path / "3").mkdir()  # no cgroup file: ended between listing and reading
    assert host_pid(CONTAINER, proc) == 5
