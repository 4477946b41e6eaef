"""`pagerdrill sandbox up | status | down | variant NAME | monitoring`: registered with the
pagerdrill CLI through the `pagerdrill.commands` entry point."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sandbox.common import IMAGE
from sandbox.docker import compose
from sandbox.docker.topology import DEFAULT_STATE_DIR, Service
from sandbox.docker.variants import VARIANTS
from sandbox.kubernetes.variants import KUBERNETES_VARIANTS
from sandbox.monitoring_config import PROFILES, render_profile


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sandbox", help="the embedded reference IDP, on local Docker or a local Kubernetes"
    )
    parser.add_argument(
        "--platform",
        choices=("docker", "kubernetes"),
        default="docker",
        help="docker (fast default) or a single-node Kubernetes built offline "
        "(sandbox/kubernetes/build.sh)",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help="rendered configuration and generated secrets (default: %(default)s)",
    )
    actions = parser.add_subparsers(dest="sandbox_action", required=True)
    start = actions.add_parser("up", help="(re)start every sandbox service and wait until ready")
    start.add_argument(
        "--variant",
        choices=sorted({*VARIANTS, *KUBERNETES_VARIANTS}),
        default="healthy",
        help="a broken variant (Docker and Kubernetes have their own; README)",
    )
    actions.add_parser("status", help="state, restarts and health of every service")
    actions.add_parser("down", help="remove every sandbox container and network")
    switch = actions.add_parser("variant", help="switch a running sandbox to a (broken) variant")
    switch.add_argument("name", choices=sorted({*VARIANTS, *KUBERNETES_VARIANTS}))
    monitoring = actions.add_parser(
        "monitoring",
        help="render the monitoring config (rules, promtool tests, Prometheus, Alertmanager)",
    )
    monitoring.add_argument("--profile", choices=PROFILES, default="production")
    monitoring.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.platform == "kubernetes":
        from sandbox.kubernetes.cli import run_kubernetes

        return run_kubernetes(args)
    name = getattr(args, "variant", None) or getattr(args, "name", None)
    if name is not None and name not in VARIANTS:
        print(f"sandbox: {name} is a Kubernetes variant; add --platform kubernetes")
        return 2
    state = compose.StateDir(args.state_dir)
    if args.sandbox_action == "up":
        started_at = time.monotonic()

        def ready(service: Service) -> None:
            elapsed = time.monotonic() - started_at
            print(f"  {elapsed:5.1f} s  {service.name:<13} ready  {service.host_url}", flush=True)

        print(f"sandbox up ({args.variant}): starting {IMAGE}", flush=True)
        compose.up(state, args.variant, ready)
        print(
            f"sandbox up ({args.variant}) in {time.monotonic() - started_at:.1f} s, "
            "every Prometheus target up"
        )
    elif args.sandbox_action == "down":
        print(f"sandbox down: removed {compose.down()} containers and networks")
    elif args.sandbox_action == "monitoring":
        for path in render_profile(args.profile, args.out):
            print(path)
    elif args.sandbox_action == "variant":
        compose.apply_variant(state, args.name)
        print(f"sandbox switched to variant {args.name}: {VARIANTS[args.name].breaks}")
    else:
        return _print_status(state)
    return 0


def _print_status(state: compose.StateDir) -> int:
    rows = compose.status(state)
    print(f"variant: {compose.current_variant(state)}")
    print(f"{'service':<13} {'state':<10} {'restarts':>8}  {'healthy':<7} url")
    for row in rows:
        print(
            f"{row.name:<13} {row.state:<10} {row.restart_count:>8}  "
            f"{'yes' if row.healthy else 'no':<7} {row.url}"
        )
    return 0 if all(row.healthy for row in rows) else 1


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args()
    sys.exit(args.handler(args))
