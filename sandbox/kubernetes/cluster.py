"""The single-node cluster's lifecycle: `up` (certificates, configs, host network,
host processes, images, node Ready), `down` (leaves no pod, shim, mount, cgroup,
iptables rule, bridge or process behind) and `status`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from sandbox.kubernetes import hostnet, images
from sandbox.kubernetes.components import components
from sandbox.kubernetes.configs import PAUSE_IMAGE, write_configs
from sandbox.kubernetes.layout import Layout
from sandbox.kubernetes.pki import make_pki
from sandbox.kubernetes.processes import ClusterError, pid_of, start, stop

BOOTSTRAP = Path(__file__).parent / "manifests" / "bootstrap.yaml"
CGROUP_ROOT = Path("/sys/fs/cgroup")


def kubectl(layout: Layout, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(layout.bin / "kubectl"), f"--kubeconfig={layout.admin_kubeconfig}", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ClusterError(f"kubectl {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def up(layout: Layout, sandbox_images: list[str]) -> None:
    missing = [c.argv[0] for c in components(layout) if not Path(c.argv[0]).exists()]
    if missing:
        raise ClusterError(f"missing {', '.join(missing)}: run sandbox/kubernetes/build.sh")
    if pid_of(layout, "kube-apiserver") is None:  # not running: start from a clean state
        for folder in ("etcd", "kubelet", "logs", "cni-ipam"):
            shutil.rmtree(layout.state / folder, ignore_errors=True)
    make_pki(layout)
    write_configs(layout)
    hostnet.set_up(layout)
    images.build_pause_image()
    for component in components(layout):
        start(layout, component)
        if component.name == "containerd":
            images.import_images(layout, [PAUSE_IMAGE, *sandbox_images])
            for image in sandbox_images:
                images.tag_latest(layout, image)
        if component.name == "kube-apiserver":
            kubectl(layout, "apply", "-f", str(BOOTSTRAP))
    _await_node_ready(layout)


def _await_node_ready(layout: Layout, timeout: float = 120.0) -> None:
    deadline, last = time.monotonic() + timeout, "no node yet"
    while time.monotonic() < deadline:
        try:
            node = json.loads(kubectl(layout, "get", "node", layout.node_name, "-o", "json"))
        except ClusterError as exc:
            last = str(exc)
        else:
            conditions = {c["type"]: c for c in node["status"].get("conditions", [])}
            ready = conditions.get("Ready", {})
            if ready.get("status") == "True":
                return
            last = f"Ready={ready.get('status')}: {ready.get('message')}"
        time.sleep(1)
    raise ClusterError(f"node {layout.node_name} not Ready within {timeout:g} s ({last})")


def down(layout: Layout) -> list[str]:
    """Everything the cluster started or changed, removed; returns what was found."""
    removed = []
    if stop(layout, "kubelet"):
        removed.append("process kubelet")
    if pid_of(layout, "containerd") is not None:
        removed += _remove_containers(layout)
    for component in reversed(components(layout)):
        if stop(layout, component.name):
            removed.append(f"process {component.name}")
    removed += [f"shim {pid}" for pid in _kill_shims(layout)]
    removed += [f"mount {m}" for m in _unmount(layout)]
    removed += [f"cgroup {c}" for c in _remove_cgroups()]
    removed += hostnet.tear_down(layout)
    for folder in ("etcd", "kubelet", "cni-ipam", "pki"):
        shutil.rmtree(layout.state / folder, ignore_errors=True)
    shutil.rmtree(layout.run, ignore_errors=True)
    return removed


def _remove_containers(layout: Layout) -> list[str]:
    removed = []
    for line in images.ctr(layout, "tasks", "list", check=False).stdout.splitlines()[1:]:
        task = line.split()[0]
        images.ctr(layout, "tasks", "kill", "--signal", "SIGKILL", task, check=False)
        removed.append(f"container {task[:12]}")
    time.sleep(1)
    for line in images.ctr(layout, "containers", "list", "--quiet", check=False).stdout.split():
        images.ctr(layout, "tasks", "delete", "--force", line, check=False)
        images.ctr(layout, "containers", "delete", line, check=False)
    return removed


def shims(layout: Layout) -> list[int]:
    """containerd-shim processes of the cluster's containerd (not Docker's)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if (
            argv
            and b"containerd-shim" in argv[0]
            and str(layout.containerd_socket).encode() in argv
        ):
            found.append(int(proc.name))
    return found


def _kill_shims(layout: Layout) -> list[int]:
    found = shims(layout)
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    return found


def mounts(layout: Layout) -> list[str]:
    prefixes = (str(layout.state), str(layout.run), "/run/netns/cni-")
    points = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    return [p for p in points if p.startswith(prefixes)]


def _unmount(layout: Layout) -> list[str]:
    found = mounts(layout)
    for point in sorted(found, key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True, check=False)
    return found


def pod_cgroups() -> list[Path]:
    return sorted((p for p in CGROUP_ROOT.glob("*/kubepods*") if p.is_dir()), key=str)


def _remove_cgroups() -> list[str]:
    found = pod_cgroups()
    for top in found:
        for folder in sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir():
                folder.rmdir()
        top.rmdir()
    return [str(c) for c in found]


def leftovers(layout: Layout) -> list[str]:
    """What `down` should have removed and is still there (empty: clean)."""
    found = [f"process {c.name}" for c in components(layout) if pid_of(layout, c.name)]
    found += [f"shim {pid}" for pid in shims(layout)]
    found += [f"mount {m}" for m in mounts(layout)]
    found += [f"cgroup {c}" for c in pod_cgroups()]
    found += [f"link {link}" for link in hostnet.leftover_links(layout)]
    found += hostnet.leftover_rules()
    return found


def status(layout: Layout) -> list[str]:
    lines = []
    for component in components(layout):
        pid = pid_of(layout, component.name)
        lines.append(f"{component.name:24} {f'running (pid {pid})' if pid else 'stopped'}")
    if pid_of(layout, "kube-apiserver"):
        lines.append(kubectl(layout, "get", "pods", "-A", "-o", "wide").rstrip())
    return lines
