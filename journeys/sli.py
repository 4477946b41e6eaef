"""Journey SLIs for a Prometheus Pushgateway, grouped by job (`pagerdrill`),
environment, journey and run id. One registry per journey accumulates every
attempt of the run (a drill run, or one `pagerdrill probe` process).

Metrics:
  pagerdrill_journey_attempts_total{outcome}           attempts, outcome success|failure
  pagerdrill_journey_success                           1 if the last attempt succeeded
  pagerdrill_journey_duration_seconds                  histogram of successful attempts
  pagerdrill_journey_last_success_timestamp_seconds    start of the last successful attempt
  pagerdrill_journey_step_duration_seconds{step}       each step of the last attempt
  pagerdrill_journey_step_failures_total{step}         failed attempts by failing step
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from harness.events import EventKind
from harness.sli import push_registry
from harness.timeline import Event
from journeys.result import JourneyResult, StepResult

DURATION_BUCKETS = (0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 60.0)


class _JourneyMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.attempts = Counter(
            "pagerdrill_journey_attempts", "Journey attempts by outcome.", ["outcome"], registry=r
        )
        self.success = Gauge(
            "pagerdrill_journey_success", "1 if the last attempt succeeded.", registry=r
        )
        self.duration = Histogram(
            "pagerdrill_journey_duration_seconds",
            "Duration of successful journey attempts.",
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.last_success = Gauge(
            "pagerdrill_journey_last_success_timestamp_seconds",
            "Start of the last successful attempt.",
            registry=r,
        )
        self.step_duration = Gauge(
            "pagerdrill_journey_step_duration_seconds",
            "Duration of each step of the last attempt.",
            ["step"],
            registry=r,
        )
        self.step_failures = Counter(
            "pagerdrill_journey_step_failures",
            "Failed attempts by failing step.",
            ["step"],
            registry=r,
        )

    def observe(self, result: JourneyResult) -> None:
        self.attempts.labels("success" if result.ok else "failure").inc()
        self.success.set(1 if result.ok else 0)
        if result.ok:
            self.duration.observe(result.duration_s)
            self.last_success.set(result.started_at)
        self.step_duration.clear()
        for step in result.steps:
            self.step_duration.labels(step.name).set(step.duration_s)
            self.step_failures.labels(step.name)  # a zero series per step reached, not none
        if result.failed_step is not None:
            self.step_failures.labels(result.failed_step.name).inc()


class JourneySlis:
    """Accumulates journey attempts and pushes them::

    slis = JourneySlis("staging", settings.run_id)
    slis.observe(result)
    slis.push("http://127.0.0.1:19091")
    """

    def __init__(self, environment: str, run_id: str) -> None:
        self.environment = environment
        self.run_id = run_id
        self._journeys: dict[str, _JourneyMetrics] = {}

    def observe(self, result: JourneyResult) -> None:
        self._journeys.setdefault(result.journey, _JourneyMetrics()).observe(result)

    def observe_events(self, events: Iterable[Event]) -> None:
        """The prober's attempts as recorded on drill timelines (`journey.attempt`)."""
        for event in sorted(events, key=lambda e: e.at):
            if event.kind == EventKind.JOURNEY_ATTEMPT:
                self.observe(_result_of(event))

    @property
    def journeys(self) -> list[str]:
        return sorted(self._journeys)

    def registry(self, journey: str) -> CollectorRegistry:
        return self._journeys[journey].registry

    def push(self, pushgateway_url: str) -> None:
        for journey, metrics in self._journeys.items():
            push_registry(
                pushgateway_url,
                metrics.registry,
                {"environment": self.environment, "journey": journey, "run_id": self.run_id},
            )


def _result_of(event: Event) -> JourneyResult:
    detail = event.detail
    steps = detail.get("steps")
    failed = detail.get("failed_step")
    assert isinstance(steps, dict)
    return JourneyResult(
        str(detail["journey"]),
        event.at,
        float(str(detail["duration_s"])),
        tuple(
            StepResult(name, name != failed, float(seconds), None if name != failed else "")
            for name, seconds in steps.items()
        ),
    )
