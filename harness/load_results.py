"""What a load run measured: totals, per endpoint, errors. Latencies in seconds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EndpointStats:
    method: str
    name: str
    requests: int
    failures: int
    requests_per_s: float
    p50_s: float | None
    p95_s: float | None
    p99_s: float | None

    @property
    def error_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "name": self.name,
            "requests": self.requests,
            "failures": self.failures,
            "requests_per_s": round(self.requests_per_s, 2),
            "error_ratio": round(self.error_ratio, 4),
            "p50_s": self.p50_s,
            "p95_s": self.p95_s,
            "p99_s": self.p99_s,
        }


@dataclass(frozen=True)
class ErrorStats:
    method: str
    name: str
    error: str
    occurrences: int

    def as_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "name": self.name,
            "error": self.error,
            "occurrences": self.occurrences,
        }


@dataclass(frozen=True)
class LoadResult:
    duration_s: float
    total: EndpointStats
    endpoints: tuple[EndpointStats, ...]
    errors: tuple[ErrorStats, ...]
    stopped_by: str
    """shape end | max_requests | max_duration | drill end"""
    peak_users: int

    def describe(self) -> str:
        t = self.total
        p95 = "-" if t.p95_s is None else f"{t.p95_s:.3f} s"
        return (
            f"{t.requests} requests in {self.duration_s:.0f} s ({t.requests_per_s:.1f}/s, "
            f"peak {self.peak_users} users), {100 * t.error_ratio:.2f} % failed, p95 {p95}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "duration_s": round(self.duration_s, 3),
            "stopped_by": self.stopped_by,
            "peak_users": self.peak_users,
            "total": self.total.as_json(),
            "endpoints": [e.as_json() for e in self.endpoints],
            "errors": [e.as_json() for e in self.errors],
        }
