"""Network faults: partition (disconnect from networks), latency and loss (tc netem
in the container's network namespace)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chaos.faults.base import FaultContext, injected, journaled, revert_action
from chaos.faults.registry import register
from chaos.platform import NetworkPartition, NetworkShaping
from harness.errors import GuardRefused
from harness.fault_specs import NetworkLatencyFault, NetworkLossFault, NetworkPartitionFault


@revert_action("reconnect")
def _reconnect(ctx: FaultContext, params: dict[str, Any]) -> None:
    for network, aliases in json.loads(params["networks"]).items():
        ctx.able(NetworkPartition).reconnect(params["workload"], network, aliases)


@revert_action("clear-network-faults")
def _clear_network_faults(ctx: FaultContext, params: dict[str, Any]) -> None:
    ctx.able(NetworkShaping).clear_network_faults(params["workload"])


def _partitioned(spec: NetworkPartitionFault, ctx: FaultContext) -> dict[str, list[str]]:
    attached = ctx.able(NetworkPartition).networks(spec.workload)
    if spec.network is None:
        return attached
    if spec.network not in attached:
        raise GuardRefused(
            f"workload {spec.workload} is not on network {spec.network}; "
            f"it is on: {', '.join(attached) or 'none'}"
        )
    return {spec.network: attached[spec.network]}


def plan_partition(spec: NetworkPartitionFault, ctx: FaultContext) -> list[str]:
    target = ctx.platform.resolve(spec.workload).describe()
    networks = ", ".join(_partitioned(spec, ctx))
    return [f"disconnect {target} from {networks}", "revert: connect it again with its aliases"]


@contextmanager
def partition(spec: NetworkPartitionFault, ctx: FaultContext) -> Iterator[float]:
    workload = spec.workload
    container = ctx.platform.resolve(workload).name
    networks = _partitioned(spec, ctx)
    undo = {"action": "reconnect", "workload": workload, "networks": json.dumps(networks)}
    target = {"workload": workload, "container": container, "networks": ",".join(networks)}
    with journaled(ctx, spec.kind, target, undo):
        platform = ctx.able(NetworkPartition)
        at = min(platform.disconnect(workload, network) for network in networks)
        yield injected(ctx, spec.kind, at, workload=workload, networks=sorted(networks))


NetemFault = NetworkLatencyFault | NetworkLossFault


def _what(spec: NetemFault) -> str:
    if isinstance(spec, NetworkLatencyFault):
        return f"tc netem delay {spec.delay * 1000:.0f} ms (jitter {spec.jitter * 1000:.0f} ms)"
    return f"iptables drop {spec.percent:g} % of packets"


def plan_shaping(spec: NetemFault, ctx: FaultContext) -> list[str]:
    target = ctx.platform.resolve(spec.workload).describe()
    return [
        f"{_what(spec)} on what {target} sends (in its network namespace)",
        "revert: remove pagerdrill's netem qdiscs and iptables rules there",
    ]


@contextmanager
def shaping(spec: NetemFault, ctx: FaultContext) -> Iterator[float]:
    workload = spec.workload
    container = ctx.platform.resolve(workload).name
    undo = {"action": "clear-network-faults", "workload": workload}
    with journaled(ctx, spec.kind, {"workload": workload, "container": container}, undo):
        if isinstance(spec, NetworkLatencyFault):
            at = ctx.able(NetworkShaping).add_latency(workload, spec.delay, spec.jitter)
        else:
            at = ctx.able(NetworkShaping).add_loss(workload, spec.percent)
        yield injected(ctx, spec.kind, at, workload=workload, rule=_what(spec))


register(NetworkPartitionFault, inject=partition, plan=plan_partition)
for _spec in (NetworkLatencyFault, NetworkLossFault):
    register(_spec, inject=shaping, plan=plan_shaping)
