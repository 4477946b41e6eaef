"""Quiet inputs before the fault: each expected alert's rule expression is far from
firing, not only the alert inactive. An alert over range windows (error ratios,
latency quantiles, burn rates, `increase(...[1m]) > 0`) still holds a previous
drill's residue after that drill's alert resolved; a fault then needs to fill only
part of a window and the MTTD measured is shorter than the platform's. So the
drill waits, bounded, until the residue has left the windows, and says so.

The expression is split at its top-level `and`/`or`/`unless` into comparisons
(`lhs > threshold`); the threshold must evaluate to a number. A comparison is
quiet when every sample of `lhs` is far on the non-firing side:

- `>`/`>=`: at most `threshold - margin * |threshold|` (margin 0.9: a tenth of the
  way to a positive threshold; exactly 0 for a threshold of 0);
- `<`/`<=`: not on the firing side (healthy values of lower-bound signals have no
  common scale to take a margin of);
- `==`/`!=`: not satisfied.

In an `and`, a comparison that held throughout ten minutes (or twice the
expression's longest range window, if longer) is a standing condition
(`traffic > 0.1`), not a fault's residue, and is left out. Comparisons pagerdrill
cannot evaluate (a vector threshold, `on(...)` matching) are left out too, and named.

A ratio over a window also remembers the traffic of the drill before (its load
inflates the denominator, and the alert then takes longer): so the expression's
longest window must also have passed since the last drill that ran load ended
(`last-disturbance` in the state folder, written after each such drill). Only a
ratio (a division, a quantile) has a denominator to inflate: a count or a rate
(`increase(...) > 0`) shows a load's residue in its comparison like any other. A
fault's own residue is in the numerators, which the comparisons above already see:
waiting a window after every fault, not only after load, made the nightly 60 %
longer."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import clock
from harness.clients import PrometheusClient
from harness.errors import WaitTimeout
from harness.events import EventKind
from harness.polling import wait_until
from harness.timeline import Timeline
from remediation.promql import longest_window_s, promql_duration

DEFAULT_MARGIN = 0.9
DISTURBANCE_FILE = "last-disturbance"
STANDING_LOOKBACK_S = 600.0


def mark_disturbance(state_dir: Path) -> None:
    """A drill that ran load is over (load stopped, fault reverted) now."""
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / DISTURBANCE_FILE).write_text(f"{clock.now():.3f}\n")


def last_disturbance(state_dir: Path) -> float | None:
    try:
        return float((state_dir / DISTURBANCE_FILE).read_text())
    except (OSError, ValueError):
        return None


_COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")


@dataclass(frozen=True)
class Comparison:
    lhs: str
    op: str
    rhs: str
    in_conjunction: bool

    def text(self) -> str:
        return f"{self.lhs} {self.op} {self.rhs}"


def _top_level(expr: str) -> list[tuple[int, str]]:
    """(index, operator) of every binary operator outside (), [], {} and quotes."""
    found, depth, quote, i = [], 0, "", 0
    while i < len(expr):
        char = expr[i]
        if quote:
            quote = "" if char == quote and expr[i - 1] != "\\" else quote
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0:
            word = re.match(r"(and|or|unless)\b", expr[i:])
            if word and (i == 0 or not (expr[i - 1].isalnum() or expr[i - 1] in "_:")):
                found.append((i, word[1]))
                i += len(word[1])
                continue
            op = next((c for c in _COMPARISONS if expr.startswith(c, i)), None)
            if op is not None and not expr.startswith("=~", i) and not expr.startswith("!~", i):
                found.append((i, op))
                i += len(op)
                continue
        i += 1
    return found


def comparisons(expr: str) -> list[Comparison]:
    """The top-level comparisons of an alert expression (an `unless` keeps its left side)."""
    operators = _top_level(expr)
    cut = next((i for i, op in operators if op == "unless"), len(expr))
    expr = expr[:cut]
    operators = [(i, op) for i, op in operators if i < cut]
    bounds = [i for i, op in operators if op in ("and", "or")]
    conjunction = any(op == "and" for _, op in operators)
    found = []
    starts = [0, *[b + (3 if expr.startswith("and", b) else 2) for b in bounds]]
    ends = [*bounds, len(expr)]
    for start, end in zip(starts, ends, strict=True):
        inside = [(i, op) for i, op in operators if start <= i < end and op in _COMPARISONS]
        if len(inside) != 1:
            continue
        at, op = inside[0]
        rhs = expr[at + len(op) : end].strip()
        rhs = re.sub(r"^bool\b", "", rhs).strip()
        found.append(Comparison(expr[start:at].strip(), op, rhs, conjunction))
    return found


@dataclass(frozen=True)
class TermState:
    comparison: Comparison
    values: tuple[float, ...]
    threshold: float | None
    quiet: bool
    standing: bool = False
    margin: float = DEFAULT_MARGIN

    def describe(self) -> str:
        if self.threshold is None:
            return f"{self.comparison.text()}: not evaluable, left out"
        shown = ", ".join(f"{v:.4g}" for v in self.values) or "no samples"
        if self.standing:
            return f"{self.comparison.lhs} = {shown}: a standing condition, left out"
        needs = _needs(self.comparison.op, self.threshold, self.margin)
        return f"{self.comparison.lhs} = {shown} ({needs})"


def _far_enough(threshold: float, margin: float) -> float:
    return threshold - margin * abs(threshold)


def _needs(op: str, threshold: float, margin: float) -> str:
    if op in (">", ">="):
        return f"quiet at <= {_far_enough(threshold, margin):.4g}"
    return {
        "<": f"quiet at >= {threshold:.4g}",
        "<=": f"quiet above {threshold:.4g}",
        "==": f"quiet when not {threshold:.4g}",
        "!=": f"quiet at {threshold:.4g}",
    }[op]


def is_quiet(op: str, values: Sequence[float], threshold: float, margin: float) -> bool:
    if not values:
        return True
    if op in (">", ">="):
        bound = _far_enough(threshold, margin)
        return max(values) <= bound if op == ">" or bound != threshold else max(values) < bound
    if op == "<":
        return min(values) >= threshold
    if op == "<=":
        return min(values) > threshold
    if op == "==":
        return all(v != threshold for v in values)
    return all(v == threshold for v in values)


@dataclass
class QuietInputs:
    """The quiet-input check of one alert rule against the live Prometheus."""

    prometheus: PrometheusClient
    alert: str
    expr: str
    window_s: float
    margin: float = DEFAULT_MARGIN

    def states(self) -> list[TermState]:
        states = []
        for comparison in comparisons(self.expr):
            threshold = self.prometheus.scalar(comparison.rhs)
            if threshold is None:
                states.append(TermState(comparison, (), None, True))
                continue
            values = tuple(self.prometheus.values(comparison.lhs))
            quiet = is_quiet(comparison.op, values, threshold, self.margin)
            standing = not quiet and comparison.in_conjunction and self._standing(comparison)
            states.append(
                TermState(comparison, values, threshold, quiet or standing, standing, self.margin)
            )
        return states

    def _standing(self, comparison: Comparison) -> bool:
        """On the firing side throughout ten minutes (or twice the longest window, if
        longer): not a residue. Twice the window alone was too short: back-to-back
        error sources (a load drill, probes, then the next fault) chained their
        residues and held a 60 s ratio above its threshold for 108 of 120 s."""
        lookback = max(2 * self.window_s, STANDING_LOOKBACK_S)
        step = max(1.0, lookback / 200)
        held = self.prometheus.values(
            f"count_over_time(({comparison.text()})"
            f"[{promql_duration(lookback)}:{promql_duration(step)}])"
        )
        return bool(held) and min(held) >= 0.9 * lookback / step

    def describe(self, states: Sequence[TermState]) -> str:
        return "; ".join(s.describe() for s in states) or "no comparison to evaluate"


def await_quiet_inputs(
    prometheus: PrometheusClient,
    rules: Sequence[Mapping[str, object]],
    alerts: Sequence[str],
    timeout: float,
    timeline: Timeline,
    *,
    margin: float = DEFAULT_MARGIN,
    disturbed_at: float | None = None,
) -> None:
    """Wait until every expected alert's inputs are quiet (bounded by `timeout`, or by
    its longest window plus 30 s where that is longer, up to 10 minutes); record
    what was waited for. Raises WaitTimeout naming the alert and the values seen."""
    by_name = {str(r["name"]): r for r in rules if r.get("type", "alerting") == "alerting"}
    recording = {str(r["name"]): str(r["query"]) for r in rules if r.get("type") == "recording"}
    for alert in alerts:
        rule = by_name.get(alert)
        if rule is not None:
            expr = str(rule["query"])
            check = QuietInputs(prometheus, alert, expr, longest_window_s(expr, recording), margin)
            bound = min(max(timeout, check.window_s + 30), max(timeout, 600.0))
            clear_at = None
            if disturbed_at is not None and is_relative_to_traffic(expr, recording):
                clear_at = disturbed_at + check.window_s
            _await(check, bound, clear_at, timeline)


def is_relative_to_traffic(expr: str, recording: Mapping[str, str]) -> bool:
    """Whether the expression (or a recording rule it reads) divides by traffic: a
    ratio of sums or a quantile."""
    used = [query for name, query in recording.items() if name in expr]
    return any(
        "histogram_quantile" in text or re.search(r"\)\s*/\s*", text) is not None
        for text in (expr, *used)
    )


def _await(check: QuietInputs, bound: float, clear_at: float | None, timeline: Timeline) -> None:
    started, last = clock.now(), [check.states()]
    windows = (
        ""
        if clear_at is None
        else f"; the windows ({check.window_s:g} s) clear of the previous drill at "
        f"{clock.iso(clear_at)}"
    )

    def quiet() -> bool:
        last[0] = check.states()
        return all(s.quiet for s in last[0]) and (clear_at is None or clock.now() >= clear_at)

    def record(quiet: bool) -> None:
        timeline.record(
            EventKind.QUIET_INPUTS, alert=check.alert, waited_s=round(clock.now() - started, 3),
            quiet=quiet, window_s=check.window_s, inputs=check.describe(last[0]) + windows,
        )  # fmt: skip

    try:
        wait_until(
            quiet,
            bound,
            interval=1.0,
            expected=f"{check.alert}'s inputs quiet",
            where="Prometheus",
            describe=lambda: check.describe(last[0]) + windows,
            hint="a previous fault's residue is still in the alert's windows, "
            "or its baseline sits near the threshold (a drill may set quiet_margin)",
        )
    except WaitTimeout:
        record(False)
        raise
    record(True)
