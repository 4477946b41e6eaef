"""The host side of the cluster's network: the node address on a portless bridge
(this kernel has no dummy interfaces), kernel settings, FORWARD rules past Docker's
DROP policy, and the teardown of everything kube-proxy and the CNI plugins add
(chains, bridge, veths)."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from sandbox.kubernetes.layout import Layout

COMMENT = "pagerdrill-k8s"
SYSCTLS = {
    "fs/inotify/max_user_instances": "8192",
    "fs/inotify/max_user_watches": "524288",
    "net/ipv4/ip_forward": "1",
    "net/bridge/bridge-nf-call-iptables": "1",
}


def _run(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), check=check, capture_output=True, text=True)


def set_up(layout: Layout) -> None:
    for key, value in SYSCTLS.items():
        path = Path("/proc/sys") / key
        if path.exists() and path.read_text().strip() != value:
            path.write_text(value)
    if _run("ip", "link", "show", layout.node_interface, check=False).returncode != 0:
        _run("ip", "link", "add", layout.node_interface, "type", "bridge")
    addresses = _run("ip", "-o", "addr", "show", "dev", layout.node_interface).stdout
    if f" {layout.node_ip}/" not in addresses:
        _run("ip", "addr", "add", f"{layout.node_ip}/32", "dev", layout.node_interface)
    _run("ip", "link", "set", layout.node_interface, "up")
    for direction in ("-s", "-d"):
        rule = [direction, layout.pod_cidr, "-m", "comment", "--comment", COMMENT, "-j", "ACCEPT"]
        if _run("iptables", "-C", "FORWARD", *rule, check=False).returncode != 0:
            _run("iptables", "-I", "FORWARD", "1", *rule)


def _chains(table: str) -> list[str]:
    listing = _run("iptables-save", "-t", table, check=False).stdout
    return [line[1:].split()[0] for line in listing.splitlines() if line.startswith(":")]


def _jumps_to_ours(table: str) -> list[list[str]]:
    """Rules in built-in chains that jump to a chain of ours, as `-D` argument lists."""
    rules = []
    for line in _run("iptables-save", "-t", table, check=False).stdout.splitlines():
        parts = line.split()
        if (
            line.startswith("-A ")
            and not _ours(parts[1])
            and (any(_ours(p) for p in parts[2:]) or COMMENT in line)
        ):
            rules.append(parts[1:])
    return rules


def _ours(chain: str) -> bool:
    return chain.startswith(("KUBE-", "CNI-"))


def tear_down(layout: Layout) -> list[str]:
    """Remove every rule, chain, bridge and interface the cluster added; returns what
    was removed (empty: nothing was left)."""
    removed = []
    for table in ("filter", "nat", "mangle"):
        for rule in _jumps_to_ours(table):
            if _run("iptables", "-t", table, "-D", *rule, check=False).returncode == 0:
                removed.append(f"{table}: {' '.join(rule)}")
        chains = [c for c in _chains(table) if _ours(c)]
        for chain in chains:
            _run("iptables", "-t", table, "-F", chain, check=False)
        for chain in chains:
            if _run("iptables", "-t", table, "-X", chain, check=False).returncode == 0:
                removed.append(f"{table}: chain {chain}")
    for link in leftover_links(layout):
        _run("ip", "link", "del", link, check=False)
        removed.append(f"link {link}")
    with contextlib.suppress(OSError):
        (Path("/var/lib/cni/networks") / "pagerdrill-sandbox").rmdir()
    return removed


def leftover_links(layout: Layout) -> list[str]:
    """The node interface, the CNI bridge and the pods' veths still on it."""
    links = []
    for line in _run("ip", "-o", "link", "show").stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name in (layout.node_interface, layout.bridge) or f"master {layout.bridge} " in line:
            links.append(name)
    return links


def leftover_rules() -> list[str]:
    found = []
    for table in ("filter", "nat", "mangle"):
        found += [f"{table}: chain {c}" for c in _chains(table) if _ours(c)]
        found += [f"{table}: {' '.join(r)}" for r in _jumps_to_ours(table)]
    return found
