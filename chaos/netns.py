"""Network faults inside a container's network namespace, run from the host with
nsenter (the container needs no tools of its own), on what the container sends:

- latency: tc netem on every interface but `lo` (needs a kernel with
  CONFIG_NET_SCH_NETEM);
- loss: an iptables OUTPUT rule dropping a random share of packets (statistic
  match), tagged `pagerdrill-loss` so that revert removes exactly it;
- partition: iptables INPUT and OUTPUT rules dropping everything but loopback,
  tagged `pagerdrill-partition` (where no engine can detach the network: a pod).
"""

from __future__ import annotations

import logging
import subprocess

from harness.errors import FaultInjectionError

log = logging.getLogger("pagerdrill.api")
LOSS_TAG = "pagerdrill-loss"
PARTITION_TAG = "pagerdrill-partition"


def _in_netns(pid: int, *argv: str) -> subprocess.CompletedProcess[str]:
    command = ["nsenter", "--target", str(pid), "--net", *argv]
    log.debug("%s", " ".join(command))
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except FileNotFoundError as exc:
        raise FaultInjectionError(
            f"{exc.filename} is missing: network faults need nsenter (util-linux), tc "
            "(iproute2) and iptables on the host of the container or pod. Hint: "
            "scripts/setup installs them."
        ) from exc


def _checked(pid: int, what: str, *argv: str) -> str:
    done = _in_netns(pid, *argv)
    if done.returncode != 0:
        raise FaultInjectionError(f"{what}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def interfaces(pid: int) -> list[str]:
    listed = _checked(pid, "listing interfaces", "ip", "-o", "link", "show")
    names = [line.split(":")[1].strip().split("@")[0] for line in listed.splitlines()]
    return [name for name in names if name and name != "lo"]


def add_latency(pid: int, delay_s: float, jitter_s: float) -> None:
    rule = ["netem", "delay", f"{delay_s * 1000:.0f}ms"]
    if jitter_s > 0:
        rule.append(f"{jitter_s * 1000:.0f}ms")
    for interface in interfaces(pid):
        done = _in_netns(pid, "tc", "qdisc", "replace", "dev", interface, "root", *rule)
        if "qdisc kind is unknown" in done.stderr:
            raise FaultInjectionError(
                "this kernel has no netem (CONFIG_NET_SCH_NETEM is not set): network-latency "
                "cannot be injected here; app-latency delays the app's answers instead"
            )
        if done.returncode != 0:
            raise FaultInjectionError(f"tc netem on {interface}: {done.stderr.strip()}")


def clear_latency(pid: int) -> None:
    """Remove netem from every interface that has it; nothing to do is not an error."""
    for interface in interfaces(pid):
        if "netem" in _in_netns(pid, "tc", "qdisc", "show", "dev", interface).stdout:
            _checked(
                pid,
                f"removing netem on {interface}",
                "tc",
                "qdisc",
                "del",
                "dev",
                interface,
                "root",
            )


def add_loss(pid: int, percent: float) -> None:
    _checked(pid, "adding the packet-loss rule", "iptables", "-w", "5", *_loss_rule("-A", percent))


def _loss_rule(verb: str, percent: float) -> list[str]:
    return [
        verb, "OUTPUT", "!", "-o", "lo", "-m", "statistic", "--mode", "random",
        "--probability", f"{percent / 100:.4f}",
        "-m", "comment", "--comment", LOSS_TAG, "-j", "DROP",
    ]  # fmt: skip


def clear_loss(pid: int) -> None:
    _delete_tagged(pid, "OUTPUT", LOSS_TAG, "removing the packet-loss rule")


def _delete_tagged(pid: int, chain: str, tag: str, what: str) -> None:
    """Delete every tagged rule (as `iptables -S` prints it, with -A turned into -D)."""
    for rule in _tagged_rules(pid, chain, tag):
        _checked(pid, what, "iptables", "-w", "5", "-D", *rule.split()[1:])


def _tagged_rules(pid: int, chain: str, tag: str) -> list[str]:
    listed = _checked(pid, "listing iptables rules", "iptables", "-w", "5", "-S", chain)
    return [line for line in listed.splitlines() if tag in line]


def partition(pid: int) -> None:
    """Nothing in or out but loopback (idempotent)."""
    for chain, direction in (("INPUT", "-i"), ("OUTPUT", "-o")):
        if not _tagged_rules(pid, chain, PARTITION_TAG):
            rule = [chain, "1", "!", direction, "lo", "-m", "comment", "--comment", PARTITION_TAG]
            _checked(pid, "adding the partition rule", "iptables", "-w", "5", "-I", *rule,
                     "-j", "DROP")  # fmt: skip


def heal_partition(pid: int) -> None:
    for chain in ("INPUT", "OUTPUT"):
        _delete_tagged(pid, chain, PARTITION_TAG, "removing the partition rule")


def partitioned(pid: int) -> bool:
    return any(_tagged_rules(pid, chain, PARTITION_TAG) for chain in ("INPUT", "OUTPUT"))


def rules(pid: int) -> list[str]:
    """Every latency or loss fault in place: netem qdiscs and tagged loss rules."""
    shown = [_in_netns(pid, "tc", "qdisc", "show", "dev", i).stdout for i in interfaces(pid)]
    netem = [line.strip() for text in shown for line in text.splitlines() if "netem" in line]
    return netem + _tagged_rules(pid, "OUTPUT", LOSS_TAG)
