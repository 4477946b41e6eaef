"""The reference IDP's Prometheus metrics: conventional names, units in the name."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests served, by route, method and status.",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency, by route and method.",
    ["route", "method"],
    # up to 30 s: "sign-in slower than 10 s" (P1) must be measurable
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
AUTH_ATTEMPTS = Counter(
    "idp_auth_attempts_total",
    "Login attempts, by result (success, failure, blocked).",
    ["result"],
)
BLOCKED_CLIENTS = Gauge("idp_blocked_clients", "Clients currently blocked for brute force.")
CLIENTS_BLOCKED = Counter("idp_clients_blocked_total", "Clients blocked for brute force.")
GUARD_ERRORS = Counter(
    "idp_brute_force_guard_errors_total", "Sign-ins let through unguarded: Redis unreachable."
)
SUSPICIOUS_SIGN_INS = Counter(
    "idp_suspicious_sign_ins_total",
    "Sign-ins that succeeded one failure short of a brute-force block.",
)
TEMPLATE_CREATIONS = Counter(
    "idp_template_creations_total",
    "Components created from templates, by template and result.",
    ["template", "result"],
)
DEPLOYMENTS = Counter(
    "idp_deployments_total", "Finished deployments, by outcome (deployed, failed).", ["outcome"]
)
DEPLOYMENT_DURATION = Histogram(
    "idp_deployment_duration_seconds",
    "Time from a deployment's request to its outcome.",
    buckets=(0.5, 1, 2, 5, 10, 30, 60),
)
PLUGIN_HEALTHY = Gauge(
    "idp_plugin_healthy", "1 if the plugin answers its health check.", ["plugin"]
)
PLUGIN_CIRCUIT_OPEN = Gauge(
    "idp_plugin_circuit_open", "1 while the circuit breaker to the plugin is open.", ["plugin"]
)
PLUGIN_CIRCUIT_OPENED = Counter(
    "idp_plugin_circuit_opened_total", "Times the plugin's circuit breaker opened.", ["plugin"]
)
PLUGIN_OPERATION = Histogram(
    "idp_plugin_operation_duration_seconds",
    "Latency of plugin operations, by plugin.",
    ["plugin"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5),
)
DB_QUERY = Histogram(
    "idp_db_query_duration_seconds",
    "Database query latency (connection wait included).",
    ["operation"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2),
)
DB_POOL = Gauge(
    "idp_db_pool_connections",
    "Database pool connections, by state (open, idle, waiting, max).",
    ["state"],
)
CACHE_REQUESTS = Counter(
    "idp_cache_requests_total", "Catalog cache lookups, by result (hit, miss, error).", ["result"]
)
CACHE_WARMINGS = Counter("idp_cache_warmings_total", "Times the catalog cache was (re)filled.")

# Every result exists from the start at 0: the first blocked sign-in or cache miss
# is then an increase Prometheus can see, not a new series starting above zero.
for _result in ("success", "failure", "blocked"):
    AUTH_ATTEMPTS.labels(_result)
for _result in ("hit", "miss", "error"):
    CACHE_REQUESTS.labels(_result)
