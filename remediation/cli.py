"""`pagerdrill contract check` and `pagerdrill coverage [--suggest]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.clients import AlertmanagerClient, PrometheusClient
from harness.coverage import live_coverage, table
from harness.errors import ConfigError
from harness.history import History
from harness.settings import load_settings
from remediation.contract_check import check_contract
from remediation.suggestions import suggest


def register(subparsers: Any) -> None:
    contract = subparsers.add_parser(
        "contract", help="the priority contract against the live Alertmanager and Prometheus"
    )
    actions = contract.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="every priority routes to exactly its receivers")
    check.add_argument("--target", type=Path, help="target file (default: targets/sandbox.yaml)")
    check.set_defaults(handler=_check)
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


def _check(args: argparse.Namespace) -> int:
    settings = load_settings(args.target)
    contract = settings.contract
    if contract is None:
        raise ConfigError(settings.target_path, None, "contract", "the target names no contract")
    target = settings.target
    with (
        PrometheusClient(target.prometheus.url) as prometheus,
        AlertmanagerClient(target.alertmanager.url) as alertmanager,
    ):
        mismatches = check_contract(contract, prometheus, alertmanager)
    for mismatch in mismatches:
        print(f"MISMATCH {mismatch.describe()}")
    verdict = "holds" if not mismatches else f"broken in {len(mismatches)} places"
    print(f"contract {contract.name} against {target.name}: {verdict}")
    return 0 if not mismatches else 1
