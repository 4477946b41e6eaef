"""`pagerdrill coverage`: which alert rules and receivers the stored runs proved."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.history import History
from harness.settings import load_settings
from pagerdrill.coverage import live_coverage, table
from remediation.suggestions import suggest


def register(subparsers: Any) -> None:
    coverage = subparsers.add_parser(
        "coverage", help="which alert rules and receivers a drill has ever proven"
    )
    coverage.add_argument("--target", type=Path, help="target file (default: targets/sandbox.yaml)")
    coverage.add_argument(
        "--history", type=Path, help="stored runs (default: $PAGERDRILL_HISTORY_DIR or out/history)"
    )
    coverage.add_argument(
        "--suggest", action="store_true", help="print a drill skeleton per unproven P0/P1 rule"
    )
    coverage.set_defaults(handler=_coverage)


def _coverage(args: argparse.Namespace) -> int:
    settings = load_settings(args.target)
    runs = History(args.history or settings.history_dir).runs(settings.target.name)
    coverage, rules = live_coverage(settings.target, settings.contract, runs)
    print(table(coverage))
    print(f"from {len(runs)} stored runs in {args.history or settings.history_dir}")
    if args.suggest:
        unproven = {c.name for c in coverage.rules if c.status != "proven"}
        for rule in rules:
            priority = (rule.get("labels") or {}).get("priority")
            if rule["name"] in unproven and priority in ("P0", "P1"):
                print("---")
                print(suggest(str(rule["name"]), str(priority), str(rule["query"])))
    return 0
