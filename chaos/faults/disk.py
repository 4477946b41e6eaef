"""disk-fill: one bounded file written inside a workload, removed by the revert
(and by `pagerdrill recover`, from the journal, after a crashed run)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chaos.disk import FILE_PREFIX
from chaos.faults.base import FaultContext, injected, journaled, revert_action
from chaos.faults.registry import register
from chaos.platform import DiskFill
from harness.errors import GuardRefused
from harness.fault_specs import DiskFillFault

MIB = 1024 * 1024


@revert_action("remove-fill")
def _remove_fill(ctx: FaultContext, params: dict[str, Any]) -> None:
    ctx.able(DiskFill).remove_fill(params["workload"], params["path"])


def _room(spec: DiskFillFault, ctx: FaultContext) -> int:
    """Free MiB before the fill; refuses a fill that would leave too little."""
    free_mb = ctx.able(DiskFill).free_bytes(spec.workload, spec.directory) // MIB
    if free_mb - spec.megabytes < spec.keep_free_mb:
        raise GuardRefused(
            f"disk-fill of {spec.megabytes} MiB in {spec.directory} of {spec.workload} would "
            f"leave {free_mb - spec.megabytes} MiB free, below keep_free_mb {spec.keep_free_mb}"
        )
    return free_mb


def plan(spec: DiskFillFault, ctx: FaultContext) -> list[str]:
    target = ctx.platform.resolve(spec.workload).describe()
    free_mb = _room(spec, ctx)
    return [
        f"write a {spec.megabytes} MiB file into {spec.directory} of {target} "
        f"({free_mb} MiB free there now)",
        "revert: remove the file",
    ]


@contextmanager
def fill(spec: DiskFillFault, ctx: FaultContext) -> Iterator[float]:
    workload, platform = spec.workload, ctx.able(DiskFill)
    container = platform.resolve(workload).name
    _room(spec, ctx)
    path = f"{spec.directory.rstrip('/')}/{FILE_PREFIX}{secrets.token_hex(4)}"
    undo = {"action": "remove-fill", "workload": workload, "path": path}
    with journaled(ctx, spec.kind, {"workload": workload, "container": container}, undo):
        at = platform.fill_disk(workload, path, spec.megabytes)
        yield injected(ctx, spec.kind, at, workload=workload, path=path, mb=spec.megabytes)


register(DiskFillFault, inject=fill, plan=plan)
