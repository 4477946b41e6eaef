"""hostile-traffic is bounded before anything is sent, and its sender stops on
revert. (On the sandbox: the api-attack drill,
tests/integration/test_contract_coverage_drills.py.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import TypeAdapter, ValidationError

from chaos.faults.hostile import _Sender
from harness.fault_specs import FaultSpec, HostileTrafficFault

SPEC: TypeAdapter[FaultSpec] = TypeAdapter(FaultSpec)


def test_more_than_the_bound_of_requests_is_refused() -> None:
    with pytest.raises(ValidationError, match="3 requests x 20/s x 60 s = 3600 requests"):
        SPEC.validate_python(
            {
                "kind": "hostile-traffic",
                "rate": 20,
                "duration": 60,
                "requests": [{"path": "/a"}] * 3,
            }
        )


@pytest.mark.parametrize(
    ("field", "value"), [("rate", 21), ("duration", 121), ("requests", []), ("rate", 0)]
)
def test_rate_duration_and_requests_are_bounded(field: str, value: object) -> None:
    spec = {"kind": "hostile-traffic", "requests": [{"path": "/a"}], field: value}
    with pytest.raises(ValidationError):
        SPEC.validate_python(spec)


class _Refuse(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_sender_counts_answers_and_stops_when_told(server: str) -> None:
    spec = HostileTrafficFault(
        kind="hostile-traffic", rate=20, duration=60, requests=[{"path": "/x"}]
    )
    sender = _Sender(spec, server)
    sender.start()
    threading.Event().wait(0.5)
    sender.stopped.set()
    sender.join(timeout=5)
    assert not sender.is_alive()
    sent = sender.answers["GET /x: 401"]
    assert 3 <= sent <= 12  # 20/s for half a second, not the minute it was allowed


def test_the_sender_ends_with_its_duration(server: str) -> None:
    spec = HostileTrafficFault(
        kind="hostile-traffic", rate=10, duration=0.3, requests=[{"path": "/x"}]
    )
    sender = _Sender(spec, server)
    sender.start()
    sender.join(timeout=5)
    assert not sender.is_alive()
    assert 1 <= sender.answers["GET /x: 401"] <= 4
