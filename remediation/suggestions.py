"""Drill skeletons for P0/P1 rules no drill proves: a fault that would plausibly
trigger each rule, read from its expression (a target's `up`, an error ratio, a
latency quantile, a saturation gauge ...), for a person to review."""

from __future__ import annotations

import re

# (pattern in the expression, the fault, why) in order of precedence
HEURISTICS: list[tuple[str, str, str]] = [
    (r"patroni|primary", "{kind: kill-database-primary}", "it watches the database primary"),
    (
        r"\bup\{|absent\(|process_start_time",
        "{kind: kill, workload: WORKLOAD}",
        "it watches whether a target is up",
    ),
    (r"status=~?\"5", "{kind: app-error-rate, route: ROUTE, ratio: 0.9}", "it is an error ratio"),
    (
        r"db_query|query_duration|pg_locks",
        "{kind: database-lock, table: TABLE, hold: 15s}",
        "it watches database query time (a held table lock makes queries wait)",
    ),
    (
        r"histogram_quantile|duration_seconds",
        "{kind: app-latency, route: ROUTE, delay: 6s}",
        "it is a latency quantile",
    ),
    (r"plugin", "{kind: plugin-failure, plugins: [PLUGIN]}", "it watches plugin health"),
    (
        r"blocked|auth_attempts",
        "{kind: brute-force, attempts: 10, client: 203.0.113.10}",
        "it watches sign-in abuse",
    ),
    (
        r"process_cpu",
        "{kind: app-cpu-burn, threads: 2}",
        "it is the process's own CPU (cpu-stress would raise the container's)",
    ),
    (r"memory|rss", "{kind: memory-stress, workload: WORKLOAD, megabytes: 512}", "memory use"),
    (
        r"cache",
        "{kind: kill, workload: CACHE}",
        "it watches the cache (a flush is refilled at once; the cache gone is not)",
    ),
    (
        r"pool",
        "{kind: app-connection-leak, connections: 9}",
        "it is a connection pool gauge (leaked connections fill it)",
    ),
    (r"connections", "{kind: traffic-surge}", "it is a capacity gauge (add a load spike)"),
]


def _kebab(name: str) -> str:
    """`IDPHighErrorRate` -> `idp-high-error-rate`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).lower()


def suggest(name: str, priority: str, expr: str) -> str:
    """A drill file skeleton for the rule, as YAML text with review notes."""
    route = re.search(r'route=~?"([^"|]+)', expr)
    for pattern, fault, why in HEURISTICS:
        if re.search(pattern, expr, re.IGNORECASE):
            chosen = fault.replace("ROUTE", route.group(1) if route else '"*"')
            reason = why
            break
    else:
        chosen, reason = "{kind: FAULT}", "no fault could be read from the expression"
    return "\n".join(
        [
            f"# suggested for {name} ({priority}): {reason}. Review before use:",
            "# replace the UPPER-CASE placeholders, check the fault really triggers the rule.",
            f"name: {_kebab(name)}",
            "profiles: [nightly]",
            f"fault: {chosen}",
            "journeys: [login]",
            "expect:",
            "  alerts:",
            f"    - {{name: {name}, priority: {priority}}}",
        ]
    )
