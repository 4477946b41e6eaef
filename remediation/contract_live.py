"""`pagerdrill contract check --live`: the routing tree proven by Alertmanager itself,
without any fault. For each priority of the contract a test alert is posted to the
live Alertmanager, carrying the labels of one of that priority's rules (so routes
on team or service labels are taken as real alerts take them) and a
`pagerdrill_live_check` label; a silence on that label is created first, so no
receiver is notified. The receivers Alertmanager's API lists for each test alert
are compared with the contract; then the alerts are expired and the silence
removed, whatever happened.

While a test alert is live (a few seconds) an inhibition rule whose source it
matches may mute real alerts it shares `equal` labels with; run it outside an
incident."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from harness import clock
from harness.clients import AlertmanagerClient, PrometheusClient
from harness.contract import Contract
from harness.polling import wait_until
from harness.types import Priority
from remediation.contract_check import Mismatch, route_mismatch

CHECK_LABEL = "pagerdrill_live_check"
TEST_ALERT = "PagerdrillRouteCheck"
HOLD_S = 120.0


def test_alerts(
    contract: Contract, rules: list[dict[str, Any]], check_id: str
) -> dict[str, dict[str, str]]:
    """Priority -> the labels of its test alert."""
    alerts = {}
    for priority in contract.priorities:
        rule = next(
            (r for r in rules if (r.get("labels") or {}).get("priority") == str(priority)), None
        )
        labels = {str(k): str(v) for k, v in ((rule or {}).get("labels") or {}).items()}
        alerts[str(priority)] = {
            **labels,
            "alertname": TEST_ALERT,
            "priority": str(priority),
            CHECK_LABEL: check_id,
        }
    return alerts


@contextmanager
def _silenced_test_alerts(
    alertmanager: AlertmanagerClient, alerts: dict[str, dict[str, str]], check_id: str
) -> Iterator[None]:
    now = clock.now()
    silence = alertmanager.silence(
        {CHECK_LABEL: check_id},
        clock.iso(now),
        clock.iso(now + HOLD_S),
        "pagerdrill contract check --live: test alerts, nobody is paged",
    )
    try:
        for labels in alerts.values():
            alertmanager.post_alert(labels, clock.iso(now), clock.iso(now + HOLD_S))
        yield
    finally:
        ended = clock.iso(clock.now())
        for labels in alerts.values():
            alertmanager.post_alert(labels, clock.iso(now), ended)
        alertmanager.expire_silence(silence)


def live_routes(
    contract: Contract, prometheus: PrometheusClient, alertmanager: AlertmanagerClient
) -> dict[str, list[str]]:
    """Priority -> the receivers the live Alertmanager routed its test alert to."""
    check_id = secrets.token_hex(4)
    alerts = test_alerts(contract, prometheus.alerting_rules(), check_id)

    def routed() -> dict[str, list[str]] | None:
        held = alertmanager.request(
            "GET", "/api/v2/alerts", params={"filter": f'{CHECK_LABEL}="{check_id}"'}
        )
        found = {
            a["labels"]["priority"]: sorted(r["name"] for r in a.get("receivers") or [])
            for a in held
        }
        return found if set(found) >= set(alerts) else None

    with _silenced_test_alerts(alertmanager, alerts, check_id):
        return wait_until(
            routed,
            15,
            interval=0.25,
            expected="every test alert held by Alertmanager",
            where="Alertmanager",
        )


def check_live_routes(
    contract: Contract, prometheus: PrometheusClient, alertmanager: AlertmanagerClient
) -> list[Mismatch]:
    found = []
    for priority, reached in live_routes(contract, prometheus, alertmanager).items():
        mismatch = route_mismatch(
            f"live Alertmanager, test alert priority={priority}",
            set(contract.priorities[Priority(priority)].receivers),
            set(reached),
        )
        if mismatch is not None:
            found.append(mismatch)
    return found
