"""Deliberately broken sandbox variants: each a small change to the monitoring
configuration that a drill must catch (DESIGN.md, "Verdict truth")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sandbox.monitoring_config import MonitoringConfig


@dataclass(frozen=True)
class Variant:
    name: str
    breaks: str
    apply: Callable[[MonitoringConfig], None]


def _healthy(config: MonitoringConfig) -> None:
    """The configuration as shipped."""


def _wrong_priority(config: MonitoringConfig) -> None:
    config.rule("IDPDown")["labels"]["priority"] = "P2"


def _p0_routed_to_p2(config: MonitoringConfig) -> None:
    for route in config.routes():
        if route["matchers"] == ['priority="P0"'] and route["receiver"] == "slack-critical":
            route["receiver"] = "slack-low"


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("healthy", "nothing", _healthy),
        Variant(
            "wrong-priority",
            "the outage alert IDPDown is labelled P2 instead of P0",
            _wrong_priority,
        ),
        Variant(
            "p0-routed-to-p2",
            "P0 alerts go to the P2 Slack channel instead of the critical one",
            _p0_routed_to_p2,
        ),
    )
}


def render(variant_name: str, config_dir: Path) -> None:
    """Write the monitoring configuration of `variant_name` into `config_dir`."""
    if variant_name not in VARIANTS:
        raise KeyError(f"unknown sandbox variant {variant_name!r}; known: {', '.join(VARIANTS)}")
    config = MonitoringConfig.load()
    VARIANTS[variant_name].apply(config)
    config.write(config_dir)
