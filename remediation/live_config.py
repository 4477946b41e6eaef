"""A drill checked against the target's live monitoring before anything is touched:
every expected alert has a rule in the running Prometheus, every receiver is in the
running Alertmanager's configuration, and every deadline is above its detection
floor. What can never pass is refused (a ConfigError naming the drill's line and
what the live configuration does have), not waited out."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches

from harness.configfile import SourceMap
from harness.drill import AlertContract
from remediation.detection import DetectionFloor, check_deadlines
from remediation.monitoring import Monitoring
from remediation.stages import detection_floors

_SHOWN = 12


def check_live_config(
    source: SourceMap,
    alerts: list[AlertContract],
    monitoring: Monitoring,
    inhibited: Sequence[str] = (),
) -> dict[str, DetectionFloor]:
    """The detection floors of the drill's alerts, after refusing what cannot pass
    (`inhibited`: expect.inhibited, which must have rules too)."""
    if not alerts and not inhibited:
        return {}
    rules = {r["name"] for r in monitoring.prometheus.alerting_rules()}
    receivers = set(monitoring.alertmanager.receivers())
    for index, name in enumerate(inhibited):
        _require_rule(source, ("expect", "inhibited", index), name, rules)
    for index, alert in enumerate(alerts):
        place = ("expect", "alerts", index)
        _require_rule(source, (*place, "name"), alert.name, rules)
        unknown = [r for r in (*alert.receivers, *alert.not_receivers) if r not in receivers]
        if unknown:
            origin = " (from the contract)" if "receivers" in alert.from_contract else ""
            raise source.error(
                place,
                f"{alert.name}: receiver {', '.join(unknown)}{origin} is not in the live "
                f"Alertmanager configuration (it has: {_some(receivers)})",
            )
    floors = detection_floors(alerts, monitoring)
    check_deadlines(source, alerts, floors)
    return floors


def _require_rule(
    source: SourceMap, place: tuple[str | int, ...], name: str, rules: set[str]
) -> None:
    if name in rules:
        return
    close = get_close_matches(name, rules, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise source.error(
        place,
        f"{name}: the live Prometheus has no alerting rule of that name "
        f"(it has: {_some(rules)}){hint}",
    )


def _some(names: set[str]) -> str:
    shown = sorted(names)[:_SHOWN]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "") if shown else "none"
