"""Each remediation mechanism of the sandbox platform, provoked and observed only
through the platform's own signals (Docker state, Prometheus, Redis, HTTP, the
notification sink): health-based restarts, the plugins' circuit breakers, cache
warming, and the SMS relay."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import docker
import httpx
import pytest
import redis

from harness.clients import NotificationSinkClient, PrometheusClient
from harness.polling import wait_until
from harness.settings import Settings
from sandbox.docker.topology import CONTAINER_PREFIX
from sandbox.idp.cache import TEMPLATES_KEY

SINK = "http://127.0.0.1:19095"
pytestmark = pytest.mark.integration
APP_CONTAINER = CONTAINER_PREFIX + "idp"
APP_DIRECT = "http://127.0.0.1:18081"


@pytest.fixture
def prometheus(settings: Settings) -> Iterator[PrometheusClient]:
    with PrometheusClient(settings.target.prometheus.url) as client:
        yield client


def _value(prometheus: PrometheusClient, promql: str) -> float:
    result = prometheus.query(promql)
    return float(result[0]["value"][1]) if result else 0.0


def _await_value(prometheus: PrometheusClient, promql: str, wanted: float, within: float) -> None:
    wait_until(
        lambda: _value(prometheus, promql) == wanted,
        within,
        expected=f"{promql} == {wanted}",
        where="Prometheus",
        describe=lambda: _value(prometheus, promql),
    )


def _started_at(client: docker.DockerClient) -> str:
    return str(client.containers.get(APP_CONTAINER).attrs["State"]["StartedAt"])


def _health(client: docker.DockerClient) -> str:
    health = client.containers.get(APP_CONTAINER).attrs["State"].get("Health") or {}
    return str(health.get("Status"))


def _health_story(client: docker.DockerClient) -> str:
    """What Docker's probe and the controller saw, for a failure message."""
    health = client.containers.get(APP_CONTAINER).attrs["State"].get("Health") or {}
    controller = client.containers.get(CONTAINER_PREFIX + "controller")
    logs = controller.logs(tail=5).decode(errors="replace")
    return (
        f"health {health.get('Status')} streak {health.get('FailingStreak')}; "
        f"controller {controller.status}: {logs}"
    )


def test_an_instance_failing_liveness_is_restarted_by_the_controller(
    admin: httpx.Client, prometheus: PrometheusClient, settings: Settings
) -> None:
    restarts = f'sum(sandbox_controller_health_restarts_total{{replica="{APP_CONTAINER}"}})'
    before = _value(prometheus, restarts)
    with closing(docker.from_env()) as client:
        # a probe failing inside Docker's start period does not count: wait for it to end
        wait_until(
            lambda: _health(client) == "healthy",
            30,
            expected=f"{APP_CONTAINER} healthy to Docker",
            where="the Docker engine",
        )
        started = _started_at(client)
        admin.put(APP_DIRECT + "/admin/faults", json={"liveness_failure": True})
        assert httpx.get(APP_DIRECT + "/healthz").status_code == 500
        wait_until(
            lambda: _started_at(client) != started,
            20,
            expected=f"{APP_CONTAINER} started anew",
            where="the Docker engine",
            describe=lambda: _health_story(client),
        )
        assert client.containers.get(APP_CONTAINER).attrs["RestartCount"] == 0  # not a crash
    _await_value(prometheus, restarts, before + 1, 15)
    wait_until(
        lambda: httpx.get(APP_DIRECT + "/healthz").text == "ok",
        30,
        expected="the restarted app live again",
        where=APP_DIRECT,
    )
    # the restart cleared the hook: the proxy serves it again
    through_proxy = settings.target.app.base_url + "/admin/faults"
    wait_until(
        lambda: httpx.get(through_proxy, headers=admin.headers).json()["liveness_failure"] is False,
        30,
        expected="the proxy routing to the restarted app",
        where="the proxy",
    )


def test_circuit_breakers_isolate_hung_plugins_and_close_after_recovery(
    hooked_api: httpx.Client, admin: httpx.Client, prometheus: PrometheusClient
) -> None:
    hung = ["ci-status", "cost-insights"]
    admin.put("/admin/faults", json={"failing_plugins": hung}).raise_for_status()
    _await_value(prometheus, "sum(idp_plugin_circuit_open)", 2, 20)
    started = time.monotonic()
    plugins = {p["id"]: p for p in hooked_api.get("/api/plugins").raise_for_status().json()}
    elapsed = time.monotonic() - started
    # without the breakers each hung backend holds the call for its 1.5 s timeout
    assert elapsed < 0.5, f"the marketplace waited {elapsed:.2f} s on open circuits"
    assert {p: plugins[p]["circuit"] for p in hung} == dict.fromkeys(hung, "open")
    assert {p["id"] for p in plugins.values() if p["healthy"]} == {
        "catalog-import",
        "security-scan",
    }
    assert hooked_api.get("/api/templates").status_code == 200  # the rest keeps serving
    assert _value(prometheus, "sum(idp_plugin_circuit_opened_total)") >= 2
    admin.delete("/admin/faults").raise_for_status()
    _await_value(prometheus, "sum(idp_plugin_circuit_open)", 0, 30)
    assert all(p["healthy"] for p in hooked_api.get("/api/plugins").json())


def test_a_flushed_catalog_cache_is_warmed_again_before_users_miss(
    hooked_api: httpx.Client, admin: httpx.Client, prometheus: PrometheusClient
) -> None:
    cache = redis.Redis(host="127.0.0.1", port=16379, socket_timeout=2)
    with closing(cache):
        assert cache.exists(TEMPLATES_KEY)
        misses = 'sum(idp_cache_requests_total{result="miss"})'
        warmings = "sum(idp_cache_warmings_total)"
        before = _value(prometheus, warmings), _value(prometheus, misses)
        admin.post("/admin/cache/flush").raise_for_status()
        assert not cache.exists(TEMPLATES_KEY)
        wait_until(
            lambda: cache.exists(TEMPLATES_KEY),
            5,
            expected="the catalog back in Redis",
            where="Redis",
        )
    _await_value(prometheus, warmings, before[0] + 1, 10)
    hooked_api.get("/api/templates").raise_for_status()
    time.sleep(2)  # two scrapes: a miss would show by now
    assert _value(prometheus, misses) == before[1]


def test_sms_notifications_reach_the_provider_as_form_posts(sandbox: Any) -> None:
    since = time.time()
    webhook = {
        "status": "firing",
        "commonLabels": {"alertname": "RelayTest", "priority": "P0"},
        "commonAnnotations": {"summary": "relay test"},
    }
    httpx.post("http://127.0.0.1:19096/alert/sms-test", json=webhook).raise_for_status()
    token = sandbox.secret("sink-token")
    with NotificationSinkClient(SINK, token=token) as sink:
        got = [(n.receiver, n.channel, n.alertname, n.priority) for n in sink.notifications(since)]
    assert ("sms-test", "sms", "RelayTest", "P0") in got
    # the provider's API wants the account's credentials
    anonymous = httpx.post(
        SINK + "/sms/x/2010-04-01/Accounts/AC/Messages.json",
        data={"To": "+1", "From": "+2", "Body": "[FIRING] P0 X: y"},
    )
    assert anonymous.status_code == 401
    captured = httpx.get(SINK + "/notifications", headers={"Authorization": f"Bearer {token}"})
    assert sandbox.secret("sms-token") not in captured.text
