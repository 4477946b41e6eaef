"""The sandbox's monitoring configuration: loaded from `monitoring/`, changed by a
variant, rendered into the folder the Prometheus and Alertmanager containers mount."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sandbox.topology import SOURCE_DIR

MONITORING_DIR = SOURCE_DIR / "monitoring"


@dataclass
class MonitoringConfig:
    """Parsed configuration files; variants edit these in place."""

    prometheus: dict[str, Any]
    rule_files: dict[str, dict[str, Any]]
    alertmanager: dict[str, Any]

    @classmethod
    def load(cls, source: Path = MONITORING_DIR) -> MonitoringConfig:
        return cls(
            prometheus=_read(source / "prometheus.yml"),
            rule_files={p.name: _read(p) for p in sorted((source / "rules").glob("*.yml"))},
            alertmanager=_read(source / "alertmanager.yml"),
        )

    def rule(self, alertname: str) -> dict[str, Any]:
        for rules in self.rule_files.values():
            for group in rules["groups"]:
                for rule in group["rules"]:
                    if rule.get("alert") == alertname:
                        found: dict[str, Any] = rule  # the same object: variants edit it
                        return found
        raise KeyError(f"no alert rule named {alertname}")

    def routes(self) -> list[dict[str, Any]]:
        routes: list[dict[str, Any]] = self.alertmanager["route"]["routes"]
        return routes

    def write(self, target: Path) -> None:
        (target / "rules").mkdir(parents=True, exist_ok=True)
        _write(target / "prometheus.yml", self.prometheus)
        _write(target / "alertmanager.yml", self.alertmanager)
        for stale in (target / "rules").glob("*.yml"):
            if stale.name not in self.rule_files:
                stale.unlink()
        for name, rules in self.rule_files.items():
            _write(target / "rules" / name, rules)


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a YAML mapping")
    return data


def _write(path: Path, data: dict[str, Any]) -> None:
    """Atomic replace, so a reloading Prometheus never reads half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".yml")
    with os.fdopen(fd, "w") as handle:
        yaml.safe_dump(data, handle, sort_keys=False)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
