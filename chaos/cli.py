"""`pagerdrill recover`: revert every fault a crashed run left behind (idempotent)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chaos.docker_platform import DockerPlatform
from chaos.faults import recover
from chaos.journal import FaultJournal
from harness.settings import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("recover", help="revert faults a crashed run left behind")
    parser.add_argument("--target", type=Path, help="target file (default: targets/sandbox.yaml)")
    parser.set_defaults(handler=_recover)


def _recover(args: argparse.Namespace) -> int:
    settings = load_settings(args.target)
    platform = DockerPlatform(settings.target.platform)
    try:
        reverted = recover(platform, FaultJournal(settings.journal_path))
    finally:
        platform.close()
    for entry in reverted:
        print(f"reverted {entry.kind} on {entry.target} (fault {entry.fault_id})")
    print(f"recover: {len(reverted)} open faults reverted; journal {settings.journal_path}")
    return 0
