"""Client edge cases a real service cannot be made to produce on demand."""

from __future__ import annotations

import httpx
import pytest

from harness.clients import PrometheusClient
from harness.errors import InfrastructureError


def test_unreachable_prometheus_says_where_and_what_to_do() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = PrometheusClient("http://127.0.0.1:1", transport=httpx.MockTransport(refuse))
    with pytest.raises(InfrastructureError) as caught:
        client.active_alerts(["IDPDown"])
    message = str(caught.value)
    assert "Prometheus at http://127.0.0.1:1" in message
    assert "pagerdrill sandbox status" in message


def test_server_error_is_reported_with_status_and_body() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(503, text="TSDB not ready"))
    client = PrometheusClient("http://127.0.0.1:1", transport=transport)
    with pytest.raises(InfrastructureError, match=r"answered 503 .*TSDB not ready"):
        client.query("up")


def test_alert_samples_keep_exact_evaluation_times() -> None:
    body = {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [
                {
                    "metric": {
                        "__name__": "ALERTS",
                        "alertname": "IDPDown",
                        "alertstate": "firing",
                        "priority": "P0",
                    },
                    "values": [[99.5, "1"], [100.25, "1"], [101.25, "1"]],
                }
            ],
        },
    }
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=body))
    samples = PrometheusClient("http://p", transport=transport).alert_samples(
        "IDPDown", "firing", start=100.0, end=102.0
    )
    assert [s.at for s in samples] == [100.25, 101.25]
    assert samples[0].labels == {"alertname": "IDPDown", "priority": "P0"}


def _dropping_first(status: int = 200) -> tuple[httpx.MockTransport, list[str]]:
    """Drops the first request without an answer (a kept-alive connection the server
    closed as it was reused), answers the rest."""
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if len(seen) == 1:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        return httpx.Response(status, json={"status": "success", "data": {"result": []}})

    return httpx.MockTransport(handle), seen


def test_a_read_the_server_dropped_is_sent_once_more() -> None:
    transport, seen = _dropping_first()
    client = PrometheusClient("http://127.0.0.1:1", transport=transport)
    assert client.query("up") == []
    assert seen == ["GET", "GET"]


def test_a_write_the_server_dropped_is_not_sent_again() -> None:
    transport, seen = _dropping_first()
    client = PrometheusClient("http://127.0.0.1:1", transport=transport)
    with pytest.raises(InfrastructureError, match="did not answer POST"):
        client.request("POST", "/api/v1/admin/tsdb/snapshot")
    assert seen == ["POST"]
