"""`pagerdrill contract check`: the priority contract against the live monitoring."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.clients import AlertmanagerClient, PrometheusClient
from harness.errors import ConfigError
from harness.settings import load_settings
from remediation.contract_check import check_contract
from remediation.contract_live import check_live_routes


def register(subparsers: Any) -> None:
    contract = subparsers.add_parser(
        "contract", help="the priority contract against the live Alertmanager and Prometheus"
    )
    actions = contract.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="every priority routes to exactly its receivers")
    check.add_argument("--target", type=Path, help="target file (default: targets/sandbox.yaml)")
    check.add_argument(
        "--live",
        action="store_true",
        help="also route one silenced test alert per priority through the live "
        "Alertmanager and compare the receivers its API lists (nobody is paged)",
    )
    check.set_defaults(handler=_check)


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
        if args.live:
            mismatches += check_live_routes(contract, prometheus, alertmanager)
    for mismatch in mismatches:
        print(f"MISMATCH {mismatch.describe()}")
    verdict = "holds" if not mismatches else f"broken in {len(mismatches)} places"
    print(f"contract {contract.name} against {target.name}: {verdict}")
    return 0 if not mismatches else 1
