"""The reference IDP's catalog, deployments, plugins, fault hooks and brute-force
blocking, observed through its API, its pages and Prometheus."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.clients import PrometheusClient
from harness.polling import wait_until
from harness.settings import Settings
from tests.conftest import await_notified

pytestmark = pytest.mark.integration


@pytest.fixture
def prometheus(settings: Settings) -> Iterator[PrometheusClient]:
    with PrometheusClient(settings.target.prometheus.url) as client:
        yield client


def _metric(prometheus: PrometheusClient, promql: str, expected: float) -> None:
    def seen() -> bool:
        result = prometheus.query(promql)
        return bool(result) and float(result[0]["value"][1]) == expected

    wait_until(
        seen,
        10,
        expected=f"{promql} == {expected}",
        where="Prometheus",
        describe=lambda: prometheus.query(promql),
    )


def _deploy(api: httpx.Client, template: str = "python-service") -> dict[str, Any]:
    name = f"svc-{secrets.token_hex(3)}"
    api.post(
        "/api/components",
        json={
            "name": name,
            "owner": "team-a",
            "template": template,
            "parameters": {"port": "8080"},
        },
    ).raise_for_status()
    deployment = api.post(f"/api/components/{name}/deployments", json={"environment": "staging"})
    assert deployment.status_code == 202
    deployment_id = deployment.json()["id"]

    def finished() -> dict[str, Any] | None:
        body: dict[str, Any] = api.get(f"/api/deployments/{deployment_id}").json()
        return body if body["status"] in ("deployed", "failed") else None

    return wait_until(finished, 15, expected="the deployment finished", where="the IDP API")


def test_template_to_deployed_service_through_the_api(api: httpx.Client) -> None:
    templates = {t["id"] for t in api.get("/api/templates").json()}
    assert templates == {"python-service", "node-frontend", "data-pipeline"}
    deployed = _deploy(api)
    assert (deployed["status"], deployed["message"]) == ("deployed", "healthy")
    duplicate = api.post(
        "/api/components",
        json={"name": deployed["component"], "owner": "x", "template": "python-service"},
    )
    assert duplicate.status_code == 409


def test_api_needs_a_session(settings: Settings, sandbox: Any) -> None:
    assert httpx.get(settings.target.app.base_url + "/api/templates").status_code == 401


def test_fault_hooks_need_the_admin_token(settings: Settings, admin: httpx.Client) -> None:
    url = settings.target.app.base_url + "/admin/faults"
    assert httpx.put(url, json={"readiness_failure": True}).status_code == 403
    assert httpx.put(url, json={}, headers={"X-Admin-Token": "guess"}).status_code == 403


def test_error_and_latency_hooks_show_in_metrics(
    hooked_api: httpx.Client, admin: httpx.Client, prometheus: PrometheusClient
) -> None:
    admin.put(
        "/admin/faults",
        json={"error_rate": {"/api/templates": 1.0}, "latency_s": {"/api/plugins": 0.3}},
    ).raise_for_status()
    assert hooked_api.get("/api/templates").status_code == 500
    assert hooked_api.get("/api/plugins").elapsed.total_seconds() >= 0.3
    _metric(
        prometheus, 'sum(http_requests_total{route="/api/templates", status="500"}) > bool 0', 1
    )
    admin.delete("/admin/faults").raise_for_status()
    assert hooked_api.get("/api/templates").status_code == 200


def test_each_error_hook_fails_its_first_request_then_spreads_evenly(
    hooked_api: httpx.Client, admin: httpx.Client
) -> None:
    """A drill's error fault is detected after the same time each run: the 1st, 5th,
    9th ... request fails at 25 %, and setting the hook again starts over (a count
    kept from the drill before put the first error up to 1/ratio requests late)."""
    for _ in range(2):
        admin.put("/admin/faults", json={"error_rate": {"/api/templates": 0.25}})
        statuses = [hooked_api.get("/api/templates").status_code for _ in range(6)]
        assert statuses == [500, 200, 200, 200, 500, 200]
    admin.delete("/admin/faults").raise_for_status()


def test_readiness_plugin_and_deployment_failures(
    hooked_api: httpx.Client, admin: httpx.Client, prometheus: PrometheusClient
) -> None:
    admin.put(
        "/admin/faults",
        json={
            "readiness_failure": True,
            "failing_plugins": ["ci-status"],
            "deployment_failure": True,
        },
    ).raise_for_status()
    readyz = hooked_api.get("/readyz")
    assert (readyz.status_code, readyz.text) == (503, "not ready: injected readiness failure")
    health = {p["id"]: p["healthy"] for p in hooked_api.get("/api/plugins").json()}
    assert health == {
        "ci-status": False,
        "catalog-import": True,
        "cost-insights": True,
        "security-scan": True,
    }
    _metric(prometheus, 'idp_plugin_healthy{plugin="ci-status"}', 0)
    failed = _deploy(hooked_api)
    assert failed["status"] == "failed"
    assert "never became ready" in failed["message"]
    _metric(prometheus, 'sum(idp_deployments_total{outcome="failed"}) > bool 0', 1)


def test_brute_force_client_is_blocked_and_others_are_not(
    settings: Settings, prometheus: PrometheusClient
) -> None:
    started = time.time()
    attacker = f"10.66.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    login = settings.target.app.base_url + "/api/login"
    username = settings.target.app.credentials.username
    codes = [
        httpx.post(
            login,
            json={"username": username, "password": "wrong"},
            headers={"X-Forwarded-For": attacker},
        ).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    right = {"username": username, "password": settings.password.get_secret_value()}
    assert httpx.post(login, json=right, headers={"X-Forwarded-For": attacker}).status_code == 429
    assert httpx.post(login, json=right, headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 200
    _metric(prometheus, "idp_blocked_clients >= bool 1", 1)
    # the security alert reaches the security team's receivers, and no one else
    reached = await_notified(
        settings, "IDPBruteForceBlocked", started, {"pagerduty-security", "slack-security"}
    )
    assert reached == {"pagerduty-security", "slack-security"}
