"""The result model every output (summary, JSON, JUnit, SLIs) is written from."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from harness import clock
from harness.load_results import LoadResult
from harness.timeline import Event


class Verdict(StrEnum):
    """A drill's verdict. `refused`: the drill or target was invalid or a guard refused
    it, so nothing was touched (exit 2); `error`: the platform or tools failed (exit 3)."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    REFUSED = "refused"


SCHEMA_PATH = Path(__file__).parent / "schemas" / "results-v1.schema.json"
"""The JSON Schema of results.json (pagerdrill/report.py writes it)."""


@dataclass(frozen=True)
class Check:
    """One expectation of a drill, as measured."""

    name: str
    passed: bool
    detail: str
    measured_s: float | None = None
    deadline_s: float | None = None
    evidence: str | None = None
    """A receiver check's strongest evidence shown (routed, delivered, received)."""
    evidence_required: str | None = None

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "name": self.name,
            "passed": self.passed,
            "detail": self.detail,
            "measured_s": _round(self.measured_s),
            "deadline_s": self.deadline_s,
        }
        if self.evidence_required is not None:
            found["evidence"] = self.evidence
            found["evidence_required"] = self.evidence_required
        return found


@dataclass(frozen=True)
class JourneyWindow:
    """A journey's attempts in one window of a drill (before, during or after the
    fault); latency percentiles are of the successful attempts."""

    attempts: int
    successes: int
    p50_s: float | None
    p95_s: float | None
    spans: tuple[tuple[float, float, bool], ...] = ()
    """Each attempt's (start, end, ok), in seconds from the fault."""

    @classmethod
    def of(
        cls, outcomes: Sequence[tuple[bool, float]], starts: Sequence[float] = ()
    ) -> JourneyWindow:
        """From (ok, duration in seconds) pairs, and the attempts' starts (seconds from
        the fault) when known."""
        durations = sorted(d for ok, d in outcomes if ok)
        spans = tuple(
            (round(start, 3), round(start + d, 3), ok)
            for (ok, d), start in zip(outcomes, starts, strict=False)
        )
        return cls(
            len(outcomes),
            len(durations),
            _quantile(durations, 0.5),
            _quantile(durations, 0.95),
            spans,
        )

    @property
    def success_ratio(self) -> float | None:
        return self.successes / self.attempts if self.attempts else None

    def describe(self) -> str:
        """``92 % of 12 ok, p95 0.66 s``, or ``no attempts``."""
        ratio = self.success_ratio
        if ratio is None:
            return "no attempts"
        p95 = "" if self.p95_s is None else f", p95 {self.p95_s:.2f} s"
        return f"{100 * ratio:.0f} % of {self.attempts} ok{p95}"

    def as_json(self) -> dict[str, object]:
        ratio = self.success_ratio
        return {
            "attempts": self.attempts,
            "successes": self.successes,
            "success_ratio": None if ratio is None else round(ratio, 4),
            "p50_s": _round(self.p50_s),
            "p95_s": _round(self.p95_s),
            "spans": [{"start_s": a, "end_s": b, "ok": ok} for a, b, ok in self.spans],
        }


def _quantile(sorted_values: Sequence[float], q: float) -> float | None:
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[round(q * 100) - 1]


class AlertRole(StrEnum):
    """What a drill said about an alert it saw: `expected` (under expect.alerts),
    `allowed` (expect.allow_alerts), `inhibited` (expect.inhibited: must be held
    back), `earlier` (already pending or firing at the fault, so not this drill's
    doing) or `other`."""

    EXPECTED = "expected"
    ALLOWED = "allowed"
    INHIBITED = "inhibited"
    EARLIER = "earlier"
    OTHER = "other"


@dataclass(frozen=True)
class SeenAlert:
    """An alert seen between a drill's fault and its end, with where it went."""

    name: str
    priority: str | None
    role: AlertRole
    notified: tuple[str, ...] = ()
    """Receivers whose own systems got a firing notification of it."""
    routed: tuple[str, ...] = ()
    """Receivers Alertmanager routed it to while it was active (not inhibited or silenced)."""
    suppressed: bool = False
    """Alertmanager held it inhibited or silenced at some point."""
    unexpected_page: bool = False
    """It paged at a priority the drill fails on (expect.page_priorities)."""
    first_notified_s: float | None = None
    """Its first firing notification, in seconds from the fault."""
    inhibited_by: tuple[str, ...] = ()
    """Alerts Alertmanager named as inhibiting it."""

    def describe(self) -> str:
        where = ", ".join(self.notified or self.routed) or "no receiver"
        how = "notified" if self.notified else "routed to" if self.routed else "reached"
        when = (
            ""
            if self.first_notified_s is None
            else f" {self.first_notified_s:.1f} s after the fault"
        )
        held = (
            f" (inhibited by {', '.join(self.inhibited_by)})"
            if self.inhibited_by
            else " (inhibited or silenced for a while)"
            if self.suppressed
            else ""
        )
        return (
            f"{self.name} ({self.priority or 'no priority'}, {self.role}) {how} {where}{when}{held}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "alert": self.name,
            "priority": self.priority,
            "role": self.role,
            "notified": list(self.notified),
            "routed": list(self.routed),
            "suppressed": self.suppressed,
            "unexpected_page": self.unexpected_page,
            "first_notified_s": _round(self.first_notified_s),
            "inhibited_by": list(self.inhibited_by),
        }


JourneyWindows = dict[str, dict[str, JourneyWindow]]
"""journey -> window ("before", "during", "after") -> its attempts."""


@dataclass(frozen=True)
class DrillResult:
    drill: str
    run_id: str
    target: str
    environment: str
    started_at: float
    finished_at: float
    checks: tuple[Check, ...] = ()
    mttd_s: dict[str, float] = field(default_factory=dict)
    mttr_s: dict[str, float] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    error: str | None = None
    budget_burned_percent: float | None = None
    priorities: tuple[str, ...] = ()
    journeys: JourneyWindows = field(default_factory=dict)
    load: LoadResult | None = None
    alerts_seen: tuple[str, ...] = ()
    """Every alert that fired during the drill, expected or not (for coverage)."""
    alerts: tuple[SeenAlert, ...] = ()
    """Every alert seen from the fault to the end of the drill, with its receivers."""
    floors_s: dict[str, float] = field(default_factory=dict)
    """The detection floor of each MTTD stage that has one (same keys as `mttd_s`)."""
    deadlines_s: dict[str, float] = field(default_factory=dict)
    """The deadline of each MTTD/MTTR stage that has one (same keys)."""
    windows_s: dict[str, float] = field(default_factory=dict)
    """The longest range window the alert's rule reads, under its firing stage's key
    (absent: the rule reads none)."""

    @property
    def verdict(self) -> Verdict:
        if self.error is not None:
            return Verdict.ERROR
        return Verdict.PASSED if all(c.passed for c in self.checks) else Verdict.FAILED

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def as_json(self) -> dict[str, object]:
        return {
            "drill": self.drill,
            "verdict": self.verdict,
            "run_id": self.run_id,
            "target": self.target,
            "environment": self.environment,
            "started_at": clock.iso(self.started_at),
            "finished_at": clock.iso(self.finished_at),
            "duration_s": _round(self.finished_at - self.started_at),
            "error": self.error,
            "checks": [c.as_json() for c in self.checks],
            "mttd_s": {k: _round(v) for k, v in self.mttd_s.items()},
            "mttr_s": {k: _round(v) for k, v in self.mttr_s.items()},
            "floors_s": {k: _round(v) for k, v in self.floors_s.items()},
            "deadlines_s": {k: _round(v) for k, v in self.deadlines_s.items()},
            "windows_s": {k: _round(v) for k, v in self.windows_s.items()},
            "budget_burned_percent": _round(self.budget_burned_percent),
            "priorities": list(self.priorities),
            "journeys": {
                journey: {window: w.as_json() for window, w in windows.items()}
                for journey, windows in self.journeys.items()
            },
            "load": None if self.load is None else self.load.as_json(),
            "alerts_seen": list(self.alerts_seen),
            "alerts": [a.as_json() for a in self.alerts],
            "timeline": [e.as_json() for e in self.events],
        }


@dataclass(frozen=True)
class Regression:
    """A stage that took longer than its baseline, beyond the configured tolerance."""

    drill: str
    stage: str
    baseline_s: float
    measured_s: float

    @property
    def percent(self) -> float:
        return 100 * (self.measured_s - self.baseline_s) / self.baseline_s

    def describe(self) -> str:
        return (
            f"{self.drill} {self.stage}: {self.measured_s:.2f} s against a baseline of "
            f"{self.baseline_s:.2f} s (+{self.percent:.0f} %)"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "drill": self.drill,
            "stage": self.stage,
            "baseline_s": _round(self.baseline_s),
            "measured_s": _round(self.measured_s),
            "percent": round(self.percent, 1),
        }


@dataclass(frozen=True)
class GateCheck:
    name: str
    passed: bool
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class RunResult:
    """One `pagerdrill run`: its drills, regressions against history, and the gate."""

    run_id: str
    profile: str | None
    target: str
    environment: str
    platform: str
    """The target's platform kind (docker, kubernetes): runs on each are told apart."""
    started_at: float
    finished_at: float
    drills: tuple[DrillResult, ...]
    regressions: tuple[Regression, ...] = ()
    gate: tuple[GateCheck, ...] = ()

    @property
    def passed(self) -> bool:
        drills_ok = bool(self.drills) and all(d.verdict is Verdict.PASSED for d in self.drills)
        return drills_ok and all(g.passed for g in self.gate)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
