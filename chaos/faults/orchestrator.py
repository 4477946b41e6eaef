"""Orchestrator faults (Kubernetes): scale a Deployment, evict pods, drain a node."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chaos.faults.base import FaultContext, injected, journaled, revert_action
from chaos.faults.registry import register
from chaos.kubernetes_platform import KubernetesPlatform
from chaos.platform import Orchestrator, ProcessLifecycle
from harness.fault_specs import DrainNodeFault, EvictFault, ScaleFault

OrchestratorFault = ScaleFault | EvictFault | DrainNodeFault


@revert_action("scale-back")
def _scale_back(ctx: FaultContext, params: dict[str, Any]) -> None:
    ctx.able(Orchestrator).scale(params["workload"], int(params["replicas"]))
    ctx.able(ProcessLifecycle).ensure_running(params["workload"])


@revert_action("uncordon")
def _uncordon(ctx: FaultContext, params: dict[str, Any]) -> None:
    ctx.able(Orchestrator).uncordon(params["node"])
    ctx.able(ProcessLifecycle).ensure_running(params["workload"])


@revert_action("delete-kubernetes-objects")
def _delete_objects(ctx: FaultContext, params: dict[str, Any]) -> None:
    """The load's worker pods (Job, Secret, ConfigMap) a killed run left behind: they
    are journaled like a fault (load/kubernetes_workers.py)."""
    ctx.able(KubernetesPlatform).delete_named(params["name"], params["kinds"])


def plan(spec: OrchestratorFault, ctx: FaultContext) -> list[str]:
    target = ctx.platform.resolve(spec.workload).describe()
    if isinstance(spec, ScaleFault):
        was = ctx.able(Orchestrator).desired_replicas(spec.workload)
        return [f"scale {target} from {was} to {spec.replicas} replicas", f"revert: scale to {was}"]
    if isinstance(spec, EvictFault):
        return [f"evict {target}", "revert: wait until its controller has it running again"]
    node = ctx.able(Orchestrator).node_of(spec.workload)
    return [f"cordon node {node} and evict {target} from it", f"revert: uncordon {node}"]


@contextmanager
def inject(spec: OrchestratorFault, ctx: FaultContext) -> Iterator[float]:
    workload, platform = spec.workload, ctx.able(Orchestrator)
    pods = platform.resolve(workload).name
    target = {"workload": workload, "pods": pods}
    if isinstance(spec, ScaleFault):
        undo = {
            "action": "scale-back",
            "workload": workload,
            "replicas": platform.desired_replicas(workload),
        }
        with journaled(ctx, spec.kind, target, undo):
            yield injected(
                ctx, spec.kind, platform.scale(workload, spec.replicas), workload=workload
            )
    elif isinstance(spec, EvictFault):
        with journaled(ctx, spec.kind, target, {"action": "ensure-running", "workload": workload}):
            yield injected(ctx, spec.kind, platform.evict(workload), workload=workload)
    else:
        node = platform.node_of(workload)
        undo = {"action": "uncordon", "node": node, "workload": workload}
        with journaled(ctx, spec.kind, {**target, "node": node}, undo):
            yield injected(ctx, spec.kind, platform.drain(node, workload), node=node)


for _spec in (ScaleFault, EvictFault, DrainNodeFault):
    register(_spec, inject=inject, plan=plan)
