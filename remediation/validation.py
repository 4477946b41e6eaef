"""A drill checked against its target once, before anything is touched: the target
has what the drill names, the contract decides every alert term, and the
target's platform can do the fault."""

from __future__ import annotations

from dataclasses import dataclass

from chaos.adapters import check_capabilities
from harness.configfile import SourceMap
from harness.drill import AlertContract, Drill, check_against_target
from harness.settings import Settings


@dataclass(frozen=True)
class ValidDrill:
    drill: Drill
    source: SourceMap
    alerts: tuple[AlertContract, ...]


def validate_drill(drill: Drill, source: SourceMap, settings: Settings) -> ValidDrill:
    """Raises ConfigError naming the drill file, line and field::

    valid = validate_drill(*load_drill(Path("drills/app-crash.drill.yaml")), settings)
    """
    alerts = check_against_target(drill, source, settings.target, settings.contract)
    check_capabilities(drill, source, settings.target.platform)
    return ValidDrill(drill, source, tuple(alerts))
