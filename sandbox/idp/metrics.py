"""The reference IDP's Prometheus metrics: conventional names, units in the name."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests served, by route, method and status.",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency, by route and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)
AUTH_ATTEMPTS = Counter(
    "idp_auth_attempts_total", "Login attempts, by result (success, failure).", ["result"]
)
