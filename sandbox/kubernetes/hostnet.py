"""The host side of the cluster's network: the node address on a portless bridge
(this kernel has no dummy interfaces), kernel settings, FORWARD rules past Docker's
DROP policy, and the teardown of everything kube-proxy and the CNI plugins add
(chains, bridge, veths)."""

from __future__ import annotations

import contextlib
import shlex
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


FAMILIES = ("iptables", "ip6tables")  # kubelet and kube-proxy write both
TABLES = ("filter", "nat", "mangle")


def _save(family: str, table: str) -> list[str]:
    return _run(f"{family}-save", "-t", table, check=False).stdout.splitlines()


def _chains(family: str, table: str) -> list[str]:
    return [line[1:].split()[0] for line in _save(family, table) if line.startswith(":")]


def _jumps_to_ours(family: str, table: str) -> list[list[str]]:
    """Rules in built-in chains that jump to a chain of ours (or carry our comment),
    as `-D` argument lists."""
    rules = []
    for line in _save(family, table):
        parts = shlex.split(line)  # comments are quoted and hold spaces
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
    for family in FAMILIES:
        for table in TABLES:
            removed += _remove_rules(family, table)
    for link in leftover_links(layout):
        _run("ip", "link", "del", link, check=False)
        removed.append(f"link {link}")
    with contextlib.suppress(OSError):
        (Path("/var/lib/cni/networks") / "pagerdrill-sandbox").rmdir()
    return removed


def _remove_rules(family: str, table: str) -> list[str]:
    removed = []
    for rule in _jumps_to_ours(family, table):
        if _run(family, "-t", table, "-D", *rule, check=False).returncode == 0:
            removed.append(f"{family} {table}: {' '.join(rule)}")
    chains = [c for c in _chains(family, table) if _ours(c)]
    for chain in chains:
        _run(family, "-t", table, "-F", chain, check=False)
    for chain in chains:
        if _run(family, "-t", table, "-X", chain, check=False).returncode == 0:
            removed.append(f"{family} {table}: chain {chain}")
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
    for family in FAMILIES:
        for table in TABLES:
            found += [f"{family} {table}: chain {c}" for c in _chains(family, table) if _ours(c)]
            found += [f"{family} {table}: {' '.join(r)}" for r in _jumps_to_ours(family, table)]
    return found
