"""Prometheus HTTP API: alert state, with the exact evaluation timestamps."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from harness.clients._http import JsonApi
from harness.errors import InfrastructureError

AlertState = Literal["pending", "firing"]


@dataclass(frozen=True)
class AlertSample:
    """One evaluation at which Prometheus had the alert in `state`."""

    alertname: str
    state: AlertState
    at: float
    labels: dict[str, str]


class PrometheusClient(JsonApi):
    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None):
        super().__init__("Prometheus", base_url, transport)

    def query(self, promql: str, at: float | None = None) -> list[dict[str, Any]]:
        params: dict[str, str] = {"query": promql}
        if at is not None:
            params["time"] = f"{at:.3f}"
        body = self.request("GET", "/api/v1/query", params=params)
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    def first_result_at(self, promql: str, start: float, end: float) -> float | None:
        """The earliest query step in [start, end] at which the expression had a
        result (steps of a second, or coarser to stay within 1000 of them)."""
        step = max(1.0, (end - start) / 1000)
        params = {
            "query": promql,
            "start": f"{start:.3f}",
            "end": f"{end:.3f}",
            "step": f"{step:g}",
        }
        series = self.request("GET", "/api/v1/query_range", params=params)["data"]["result"]
        return min((float(ts) for s in series for ts, _ in s["values"]), default=None)

    def scalar(self, promql: str) -> float | None:
        """The value of an expression that evaluates to a number, else None."""
        try:
            body = self.request("GET", "/api/v1/query", params={"query": promql})
        except InfrastructureError:
            return None  # not a valid expression on its own
        data = body["data"]
        if data["resultType"] == "scalar":
            return float(data["result"][1])
        return None

    def values(self, promql: str) -> list[float]:
        """The sample values of an instant vector expression, now (NaN left out)."""
        found = [float(r["value"][1]) for r in self.query(promql)]
        return [v for v in found if not math.isnan(v)]

    def rules(self) -> list[dict[str, Any]]:
        """Every rule, alerting and recording (`type`, `name`, `query`, ...)."""
        groups = self.request("GET", "/api/v1/rules")["data"]["groups"]
        return [rule for group in groups for rule in group["rules"]]

    def alert_samples(
        self, alertname: str, state: AlertState, start: float, end: float
    ) -> list[AlertSample]:
        """Every evaluation in [start, end] with the alert in `state`, oldest first.

        Reads the raw `ALERTS` samples (a range-vector selector), so timestamps are
        the rule evaluations themselves, not query steps."""
        window_s = max(1, int(end - start) + 1)
        selector = f'ALERTS{{alertname="{alertname}", alertstate="{state}"}}[{window_s}s]'
        samples = [
            AlertSample(alertname, state, float(ts), _labels(series["metric"]))
            for series in self.query(selector, at=end)
            for ts, _ in series["values"]
            if float(ts) >= start
        ]
        return sorted(samples, key=lambda s: s.at)

    def firing_alerts(self, start: float, end: float) -> list[str]:
        """Names of every alert that was firing at some evaluation in [start, end]."""
        window_s = max(1, int(end - start) + 1)
        found = self.query(f'ALERTS{{alertstate="firing"}}[{window_s}s]', at=end)
        return sorted(
            {
                series["metric"]["alertname"]
                for series in found
                if any(float(ts) >= start for ts, _ in series["values"])
            }
        )

    def alerting_rules(self) -> list[dict[str, Any]]:
        """Every alerting rule Prometheus evaluates, with `group`, `file` and its group's
        `evaluation_interval` (seconds) added."""
        groups = self.request("GET", "/api/v1/rules", params={"type": "alert"})["data"]["groups"]
        return [
            {
                **rule,
                "group": group["name"],
                "file": group["file"],
                "evaluation_interval": group.get("interval"),
            }
            for group in groups
            for rule in group["rules"]
            if rule.get("type") == "alerting"
        ]

    def config_yaml(self) -> str:
        """The configuration Prometheus runs with (YAML, as `/api/v1/status/config` gives it)."""
        return str(self.request("GET", "/api/v1/status/config")["data"]["yaml"])

    def active_now(self) -> set[str]:
        """Names of the alerts pending or firing right now (from the rules engine)."""
        alerts = self.request("GET", "/api/v1/alerts")["data"]["alerts"]
        return {a["labels"]["alertname"] for a in alerts}

    def active_alerts(self, alertnames: list[str]) -> list[dict[str, Any]]:
        """Alerts pending or firing right now (from the rules engine, not the TSDB)."""
        alerts: list[dict[str, Any]] = self.request("GET", "/api/v1/alerts")["data"]["alerts"]
        return [a for a in alerts if a["labels"].get("alertname") in alertnames]


def _labels(metric: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in metric.items() if k not in ("__name__", "alertstate")}
