"""`pagerdrill contract check`: the priority contract against the live platform.

- Alertmanager: for every priority, its real routing tree (amtool, on the
  configuration Alertmanager reports it runs) must reach exactly the contract's
  receivers for that priority;
- Prometheus: every alerting rule carries a `priority` label the contract knows,
  the priority the contract gives it (when the contract lists the alert), and
  every alert the contract lists exists.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from harness.clients import AlertmanagerClient, PrometheusClient
from harness.contract import Contract
from harness.errors import InfrastructureError


@dataclass(frozen=True)
class Mismatch:
    place: str
    problem: str

    def describe(self) -> str:
        return f"{self.place}: {self.problem}"


def routed_receivers(config_yaml: str, labels: dict[str, str]) -> list[str]:
    """The receivers Alertmanager's routing tree picks for an alert with `labels`."""
    amtool = shutil.which("amtool")
    if amtool is None:
        raise InfrastructureError(
            "amtool is missing: contract check runs Alertmanager's routing tree with it. "
            "Hint: apt-get install prometheus-alertmanager (scripts/setup does)."
        )
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as config:
        config.write(config_yaml)
        config.flush()
        done = subprocess.run(
            [amtool, "config", "routes", "test", f"--config.file={config.name}"]
            + [f"{k}={v}" for k, v in labels.items()],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    if done.returncode != 0:
        raise InfrastructureError(f"amtool could not route {labels}: {done.stderr.strip()}")
    return sorted(r for r in done.stdout.strip().split(",") if r)


def route_mismatch(place: str, wanted: set[str], reached: set[str]) -> Mismatch | None:
    """What differs between the receivers a route should reach and those it reaches."""
    problems = []
    if wanted - reached:
        problems.append(f"does not reach {', '.join(sorted(wanted - reached))}")
    if reached - wanted:
        problems.append(f"also reaches {', '.join(sorted(reached - wanted))}")
    if not problems:
        return None
    return Mismatch(
        place, "; ".join(problems) + f" (reaches {', '.join(sorted(reached)) or 'nothing'})"
    )


def check_routes(contract: Contract, config_yaml: str) -> list[Mismatch]:
    found = []
    for priority, terms in contract.priorities.items():
        reached = set(routed_receivers(config_yaml, {"priority": str(priority)}))
        mismatch = route_mismatch(
            f"alertmanager route for priority={priority}", set(terms.receivers), reached
        )
        if mismatch is not None:
            found.append(mismatch)
    return found


def check_rules(contract: Contract, rules: list[dict[str, object]]) -> list[Mismatch]:
    found = []
    known = {str(p) for p in contract.priorities}
    seen = set()
    for rule in rules:
        name = str(rule["name"])
        seen.add(name)
        labels = rule.get("labels") or {}
        assert isinstance(labels, dict)
        place = f"prometheus rule {name} (group {rule['group']}, {rule['file']})"
        label = labels.get("priority")
        expected = contract.priority_of(name)
        if label is None:
            found.append(Mismatch(place, "has no priority label"))
        elif label not in known:
            found.append(
                Mismatch(
                    place, f"priority {label!r} is not in the contract ({', '.join(sorted(known))})"
                )
            )
        elif expected is not None and label != str(expected):
            found.append(
                Mismatch(place, f"priority {label}, but the contract puts it at {expected}")
            )
    for priority, terms in contract.priorities.items():
        for alert in terms.alerts:
            if alert not in seen:
                found.append(
                    Mismatch(f"contract {priority}", f"alert {alert} has no rule in Prometheus")
                )
    return found


def check_contract(
    contract: Contract, prometheus: PrometheusClient, alertmanager: AlertmanagerClient
) -> list[Mismatch]:
    return check_routes(contract, alertmanager.config_yaml()) + check_rules(
        contract, prometheus.alerting_rules()
    )
