"""`pagerdrill sandbox --platform kubernetes up | status | down`."""

from __future__ import annotations

import argparse
import time

from sandbox.kubernetes import cluster, compose
from sandbox.kubernetes.layout import Layout
from sandbox.kubernetes.processes import ClusterError
from sandbox.topology import IMAGE


def run_kubernetes(args: argparse.Namespace) -> int:
    layout = Layout()
    try:
        if args.sandbox_action == "up":
            started = time.monotonic()
            print(f"kubernetes sandbox up: cluster from {layout.bin}", flush=True)
            cluster.up(layout, [IMAGE])
            print(f"  {time.monotonic() - started:5.1f} s  cluster ready", flush=True)
            compose.apply(layout)
            compose.await_ready(layout)
            print(
                f"kubernetes sandbox up in {time.monotonic() - started:.1f} s; "
                f"kubeconfig {layout.admin_kubeconfig}"
            )
        elif args.sandbox_action == "down":
            removed = cluster.down(layout)
            left = cluster.leftovers(layout)
            print(f"kubernetes sandbox down: removed {len(removed)} things")
            for thing in left:
                print(f"  still there: {thing}")
            return 1 if left else 0
        elif args.sandbox_action == "status":
            for line in cluster.status(layout):
                print(line)
        else:
            print(f"sandbox {args.sandbox_action}: not available on the Kubernetes sandbox yet")
            return 2
    except ClusterError as exc:
        print(f"kubernetes sandbox: {exc}")
        return 3
    return 0
