"""Drill SLIs to a Prometheus Pushgateway: a fresh registry per push, grouped by
job, environment and drill, so each drill's last result replaces its previous one.

Metrics (all gauges):
  pagerdrill_drill_passed                      1 if every check passed, else 0
  pagerdrill_drill_checks_failed               number of failed checks
  pagerdrill_drill_duration_seconds            wall time of the drill
  pagerdrill_drill_mttd_seconds{stage}         fault -> alert firing / each notification
  pagerdrill_drill_mttr_seconds{stage}         fault -> recovery milestone
  pagerdrill_drill_last_run_timestamp_seconds  when the drill finished
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway

from harness.errors import InfrastructureError
from harness.results import DrillResult, RunResult, Verdict

JOB = "pagerdrill"


def push_drill_slis(result: DrillResult, pushgateway_url: str) -> None:
    registry = CollectorRegistry()
    Gauge(
        "pagerdrill_drill_passed", "1 if every check of the drill passed.", registry=registry
    ).set(1 if result.verdict is Verdict.PASSED else 0)
    Gauge("pagerdrill_drill_checks_failed", "Failed checks of the drill.", registry=registry).set(
        len(result.failed_checks)
    )
    Gauge("pagerdrill_drill_duration_seconds", "Wall time of the drill.", registry=registry).set(
        result.finished_at - result.started_at
    )
    Gauge(
        "pagerdrill_drill_last_run_timestamp_seconds", "When the drill finished.", registry=registry
    ).set(result.finished_at)
    _stage_gauge(
        "pagerdrill_drill_mttd_seconds", "Fault to detection, by stage.", result.mttd_s, registry
    )
    _stage_gauge(
        "pagerdrill_drill_mttr_seconds", "Fault to recovery, by stage.", result.mttr_s, registry
    )
    push_registry(
        pushgateway_url, registry, {"environment": result.environment, "drill": result.drill}
    )


def _stage_gauge(
    name: str, documentation: str, seconds_by_stage: dict[str, float], registry: CollectorRegistry
) -> None:
    gauge = Gauge(name, documentation, ["stage"], registry=registry)
    for stage, seconds in seconds_by_stage.items():
        gauge.labels(stage).set(seconds)


def push_run_slis(run: RunResult, pushgateway_url: str) -> None:
    """Run-level SLIs, grouped by environment and profile (`run` when none):

    pagerdrill_run_passed                      1 if the run passed (drills, and gate if any)
    pagerdrill_run_drills{verdict}             drills by verdict
    pagerdrill_run_regressions                 MTTD/MTTR stages slower than their baseline
    pagerdrill_run_duration_seconds            wall time of the run
    pagerdrill_run_last_timestamp_seconds      when the run finished (for "not run in 26 h")
    """
    registry = CollectorRegistry()
    Gauge("pagerdrill_run_passed", "1 if the run passed.", registry=registry).set(
        1 if run.passed else 0
    )
    by_verdict = Gauge(
        "pagerdrill_run_drills", "Drills of the run by verdict.", ["verdict"], registry=registry
    )
    for verdict in (Verdict.PASSED, Verdict.FAILED, Verdict.ERROR):
        by_verdict.labels(verdict).set(sum(1 for d in run.drills if d.verdict == verdict))
    Gauge(
        "pagerdrill_run_regressions", "Stages slower than their baseline.", registry=registry
    ).set(len(run.regressions))
    Gauge("pagerdrill_run_duration_seconds", "Wall time of the run.", registry=registry).set(
        run.finished_at - run.started_at
    )
    Gauge("pagerdrill_run_last_timestamp_seconds", "When the run finished.", registry=registry).set(
        run.finished_at
    )
    push_registry(
        pushgateway_url, registry, {"environment": run.environment, "profile": run.profile or "run"}
    )


def push_registry(url: str, registry: CollectorRegistry, grouping_key: dict[str, str]) -> None:
    """Replace the group `grouping_key` of job `pagerdrill` with `registry`'s metrics."""
    try:
        push_to_gateway(url, job=JOB, registry=registry, timeout=5, grouping_key=grouping_key)
    except OSError as exc:
        raise InfrastructureError(f"Pushgateway at {url} refused the SLIs: {exc}") from exc


def push_load_slis(result: DrillResult, pushgateway_url: str) -> None:
    """A drill's load, grouped by environment, drill and run id:

    pagerdrill_load_requests{endpoint,method}            requests made
    pagerdrill_load_failures{endpoint,method}            requests that failed
    pagerdrill_load_requests_per_second{endpoint,method} mean rate over the run
    pagerdrill_load_latency_seconds{endpoint,method,quantile}  0.5, 0.95, 0.99
    pagerdrill_load_peak_users                           most simulated users at once
    pagerdrill_load_duration_seconds                     how long the load ran
    (endpoint "Aggregated" is the whole run.)
    """
    load = result.load
    if load is None:
        return
    registry = CollectorRegistry()
    labels = ["endpoint", "method"]
    requests = Gauge("pagerdrill_load_requests", "Requests made.", labels, registry=registry)
    failures = Gauge("pagerdrill_load_failures", "Requests that failed.", labels, registry=registry)
    rate = Gauge(
        "pagerdrill_load_requests_per_second", "Mean request rate.", labels, registry=registry
    )
    latency = Gauge(
        "pagerdrill_load_latency_seconds",
        "Response time quantiles.",
        [*labels, "quantile"],
        registry=registry,
    )
    for endpoint in (load.total, *load.endpoints):
        key = (endpoint.name, endpoint.method)
        requests.labels(*key).set(endpoint.requests)
        failures.labels(*key).set(endpoint.failures)
        rate.labels(*key).set(endpoint.requests_per_s)
        for quantile, seconds in (
            ("0.5", endpoint.p50_s),
            ("0.95", endpoint.p95_s),
            ("0.99", endpoint.p99_s),
        ):
            if seconds is not None:
                latency.labels(*key, quantile).set(seconds)
    Gauge("pagerdrill_load_peak_users", "Most users at once.", registry=registry).set(
        load.peak_users
    )
    Gauge("pagerdrill_load_duration_seconds", "How long the load ran.", registry=registry).set(
        load.duration_s
    )
    push_registry(
        pushgateway_url,
        registry,
        {"environment": result.environment, "drill": result.drill, "run_id": result.run_id},
    )
