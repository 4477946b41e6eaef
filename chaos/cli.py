"""`pagerdrill recover`: revert every fault a crashed run left behind (idempotent).
`pagerdrill fault DRILL`: inject one drill's fault by hand, hold it, revert it
(`--dry-run`: print the resolved targets and planned actions, touch nothing)."""

from __future__ import annotations

import argparse
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from chaos.adapters import check_capabilities, open_platform
from chaos.faults import inject, plan, recover
from chaos.faults.base import fault_context
from harness import clock
from harness.drill import check_against_target, load_drill
from harness.settings import load_settings
from harness.signals import interrupt_on_sigterm
from harness.timeline import Timeline
from harness.types import parse_duration


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("recover", help="revert faults a crashed run left behind")
    parser.add_argument("--target", type=Path, help="target file (default: targets/sandbox.yaml)")
    parser.set_defaults(handler=_recover)
    fault = subparsers.add_parser(
        "fault", help="inject one drill's fault by hand, hold it, then revert it"
    )
    fault.add_argument("drill", type=Path, help="a drill file; only its fault is used")
    fault.add_argument("--target", type=Path, help="target file (default: targets/sandbox.yaml)")
    fault.add_argument(
        "--hold", type=parse_duration, default=30.0, help="how long to hold it (default: 30s)"
    )
    fault.add_argument("--dry-run", action="store_true", help="plan only; touch nothing")
    fault.set_defaults(handler=_fault)


def _recover(args: argparse.Namespace) -> int:
    settings = load_settings(args.target)
    with (
        closing(open_platform(settings.target.platform)) as platform,
        fault_context(settings, platform, Timeline()) as ctx,
    ):
        reverted = recover(ctx)
    for entry in reverted:
        print(f"reverted {entry.kind} on {entry.target} (fault {entry.fault_id})")
    print(f"recover: {len(reverted)} open faults reverted; journal {settings.journal_path}")
    return 0


def _fault(args: argparse.Namespace) -> int:
    settings = load_settings(args.target)
    drill, source = load_drill(args.drill)
    check_against_target(drill, source, settings.target, settings.journey_pack, settings.contract)
    check_capabilities(drill, source, settings.target.platform)
    if drill.fault.acts_on == "load":
        raise source.error(("fault", "kind"), "a traffic surge needs the drill's load: use run")
    with (
        closing(open_platform(settings.target.platform)) as platform,
        fault_context(settings, platform, Timeline()) as ctx,
    ):
        print(f"{drill.fault.kind}: " + "; ".join(plan(drill.fault, ctx)), flush=True)
        if args.dry_run:
            print("dry run: nothing was touched")
            return 0
        with interrupt_on_sigterm(), inject(drill.fault, ctx) as injected_at:
            print(f"injected at {clock.iso(injected_at)}; holding {args.hold:g} s", flush=True)
            time.sleep(args.hold)
    print("reverted", flush=True)
    return 0
