"""The sandbox's monitoring configuration: templates in `monitoring/` rendered for one
profile of `monitoring/profiles.yml` (`fast` for drills, `production` for a real
platform), changed by a variant, written into the folder the Prometheus and
Alertmanager containers mount."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from sandbox.common import SOURCE_DIR

MONITORING_DIR = SOURCE_DIR / "monitoring"
PROFILES = ("fast", "production")
SANDBOX_PROFILE = "fast"
_UNITS = (("d", 86400), ("h", 3600), ("m", 60))


def duration(seconds: float) -> str:
    """Seconds as a Prometheus duration, in the largest unit that divides it."""
    whole = int(seconds)
    if whole != seconds:
        return f"{round(seconds * 1000)}ms"
    for unit, size in _UNITS:
        if whole and whole % size == 0:
            return f"{whole // size}{unit}"
    return f"{whole}s"


def profile_values(profile: str) -> dict[str, Any]:
    """The timings of `profile` plus the settings both profiles share."""
    profiles = _read(MONITORING_DIR / "profiles.yml")
    if profile not in PROFILES:
        raise KeyError(f"unknown monitoring profile {profile!r}; known: {', '.join(PROFILES)}")
    values: dict[str, Any] = {**profiles["common"], **profiles[profile], "profile": profile}
    windows = ("outage_window", "critical_window", "rate_window", "security_window")
    longest = max(values[w] for w in windows) + max(values["for"].values())
    values["horizon"] = longest // values["scrape_interval"] + 40  # samples in a test series
    return values


def render_text(template: Path, profile: str) -> str:
    """One template rendered for `profile`. `${ ... }` marks Jinja expressions, so
    the Go templates of Alertmanager and rule annotations (`{{ ... }}`) pass through."""
    environment = jinja2.Environment(
        variable_start_string="${",
        variable_end_string="}",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.globals["d"] = duration
    text = environment.from_string(template.read_text()).render(profile_values(profile))
    return f"# Rendered from {template.name} for the {profile} profile: edit the template.\n{text}"


def render_profile(profile: str, out: Path) -> list[Path]:
    """Every template (config, rules, promtool tests) rendered for `profile` into `out`,
    keeping the folder layout (tests refer to `../rules/`)."""
    written = []
    for template in sorted(MONITORING_DIR.rglob("*.j2")):
        target = out / template.relative_to(MONITORING_DIR).with_suffix("")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_text(template, profile))
        written.append(target)
    return written


@dataclass
class MonitoringConfig:
    """Parsed configuration files; variants edit these in place."""

    prometheus: dict[str, Any]
    rule_files: dict[str, dict[str, Any]]
    alertmanager: dict[str, Any]
    escalation: dict[str, Any]
    """The sink's PagerDuty escalation policies (sandbox/sink/escalation.py)."""

    @classmethod
    def load(cls, profile: str = SANDBOX_PROFILE) -> MonitoringConfig:
        def parse(template: Path) -> dict[str, Any]:
            return _parse(render_text(template, profile), template)

        return cls(
            prometheus=parse(MONITORING_DIR / "prometheus.yml.j2"),
            rule_files={
                p.name.removesuffix(".j2"): parse(p)
                for p in sorted((MONITORING_DIR / "rules").glob("*.yml.j2"))
            },
            alertmanager=parse(MONITORING_DIR / "alertmanager.yml.j2"),
            escalation=parse(MONITORING_DIR / "escalation.yml.j2"),
        )

    def rule(self, alertname: str) -> dict[str, Any]:
        for rules in self.rule_files.values():
            for group in rules["groups"]:
                for rule in group["rules"]:
                    if rule.get("alert") == alertname:
                        found: dict[str, Any] = rule  # the same object: variants edit it
                        return found
        raise KeyError(f"no alert rule named {alertname}")

    def relabel(self, alertname: str, priority: str) -> None:
        """Give an alert another priority (the wrong-priority variants)."""
        self.rule(alertname)["labels"]["priority"] = priority

    def routes(self) -> list[dict[str, Any]]:
        routes: list[dict[str, Any]] = self.alertmanager["route"]["routes"]
        return routes

    def write(self, target: Path) -> None:
        (target / "rules").mkdir(parents=True, exist_ok=True)
        _write(target / "prometheus.yml", self.prometheus)
        _write(target / "alertmanager.yml", self.alertmanager)
        _write(target / "escalation.yml", self.escalation)
        for stale in (target / "rules").glob("*.yml"):
            if stale.name not in self.rule_files:
                stale.unlink()
        for name, rules in self.rule_files.items():
            _write(target / "rules" / name, rules)


def wrong_priority(config: MonitoringConfig) -> None:
    """IDPDown at P2 instead of P0: the outage-at-the-wrong-priority variant of both
    platforms."""
    config.relabel("IDPDown", "P2")


def no_resolved_notifications(config: MonitoringConfig) -> None:
    """No receiver is told when an alert resolves (both platforms)."""
    for receiver in config.alertmanager["receivers"]:
        for key, channels in receiver.items():
            if key.endswith("_configs"):
                for channel in channels:
                    channel["send_resolved"] = False


def _read(path: Path) -> dict[str, Any]:
    return _parse(path.read_text(), path)


def _parse(text: str, path: Path) -> dict[str, Any]:
    data = yaml.safe_load(text)
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
