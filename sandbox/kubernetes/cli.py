"""`pagerdrill sandbox --platform kubernetes up | status | down`."""

from __future__ import annotations

import argparse
import time

from sandbox.common import IMAGE, SINK_IMAGE
from sandbox.kubernetes import cluster, compose, images
from sandbox.kubernetes.layout import Layout
from sandbox.kubernetes.processes import ClusterError
from sandbox.kubernetes.variants import KUBERNETES_VARIANTS


def run_kubernetes(args: argparse.Namespace) -> int:
    layout = Layout()
    name = getattr(args, "variant", None) or getattr(args, "name", None) or "healthy"
    if name not in KUBERNETES_VARIANTS:
        print(f"sandbox: {name} is not a Kubernetes variant ({', '.join(KUBERNETES_VARIANTS)})")
        return 2
    try:
        if args.sandbox_action == "up":
            started = time.monotonic()
            print(f"kubernetes sandbox up: cluster from {layout.bin}", flush=True)
            cluster.up(layout, [images.pinned(IMAGE), images.pinned(SINK_IMAGE)])
            print(f"  {time.monotonic() - started:5.1f} s  cluster ready", flush=True)
            compose.switch(layout, name)
            print(
                f"kubernetes sandbox up ({name}) in {time.monotonic() - started:.1f} s; "
                f"kubeconfig {layout.admin_kubeconfig}"
            )
        elif args.sandbox_action == "variant":
            compose.switch(layout, name)
            print(f"kubernetes sandbox switched to {name}: {KUBERNETES_VARIANTS[name].breaks}")
        elif args.sandbox_action == "down":
            removed = cluster.down(layout)
            (compose.STATE_DIR / "variant").unlink(missing_ok=True)
            left = cluster.leftovers(layout)
            print(f"kubernetes sandbox down: removed {len(removed)} things")
            for thing in left:
                print(f"  still there: {thing}")
            return 1 if left else 0
        elif args.sandbox_action == "status":
            print(f"variant: {compose.current_variant()}")
            for line in cluster.status(layout):
                print(line)
        else:
            print(f"sandbox {args.sandbox_action}: not available on the Kubernetes sandbox yet")
            return 2
    except ClusterError as exc:
        print(f"kubernetes sandbox: {exc}")
        return 3
    return 0
