"""Quiet inputs: an alert expression split into its comparisons, the windows it
reads (through recording rules), and when a comparison's values count as quiet.
The integration test (tests/integration/test_quiet_inputs.py) runs it against a
drill polluted by the one before."""

from __future__ import annotations

import math
import re
from typing import cast

import pytest

from harness.clients import PrometheusClient
from remediation.promql import longest_window_s
from remediation.quiet_inputs import QuietInputs, comparisons, is_quiet, is_relative_to_traffic

FAST_BURN = (
    "slo:errors:ratio_page_long > (14.4 * 0.0001) and slo:errors:ratio_page_short > (14.4 * 0.0001)"
)


def test_comparisons_split_at_top_level_and_or_unless() -> None:
    found = comparisons(FAST_BURN)
    assert [(c.lhs, c.op, c.rhs, c.in_conjunction) for c in found] == [
        ("slo:errors:ratio_page_long", ">", "(14.4 * 0.0001)", True),
        ("slo:errors:ratio_page_short", ">", "(14.4 * 0.0001)", True),
    ]
    nested = comparisons('count by (s) (healthy{job="a"} == 0) >= 2 unless on() maintenance == 1')
    assert [(c.lhs, c.op, c.rhs) for c in nested] == [
        ('count by (s) (healthy{job="a"} == 0)', ">=", "2")
    ]
    either = comparisons(
        'min_over_time(up{job="idp"}[10s]) == 0 or changes(start{a!="b"}[10s]) > 0'
    )
    assert [(c.op, c.rhs, c.in_conjunction) for c in either] == [
        ("==", "0", False),
        (">", "0", False),
    ]


def test_label_matchers_and_bool_are_not_comparisons() -> None:
    (only,) = comparisons('rate(x{route=~"/api/.+", status!="200"}[30s]) > bool 1')
    assert (only.op, only.rhs) == (">", "1")


def test_the_longest_window_is_found_through_recording_rules() -> None:
    recording = {
        "slo:errors:ratio_page_long": "sum(rate(e[1m])) / sum(rate(r[1m]))",
        "slo:errors:ratio_page_short": "sum(rate(e[5s])) / sum(rate(r[5s]))",
    }
    assert longest_window_s(FAST_BURN, recording) == 60
    assert longest_window_s("increase(x[1m]) > 0 or rate(y[90s]) > 1", {}) == 90
    assert longest_window_s("max_over_time(x[5m:30s]) > 1", {}) == 300
    assert longest_window_s("up == 0", {}) == 0


@pytest.mark.parametrize(
    ("op", "values", "threshold", "quiet"),
    [
        (">", [0.0001], 0.00144, True),  # a tenth of the way: quiet
        (">", [0.0007], 0.00144, False),  # half the threshold still in the window
        (">", [], 1.0, True),  # no samples: nothing to fill
        (">", [0.0], 0.0, True),
        (">", [1.0], 0.0, False),  # increase(...[1m]) > 0 right after a fault
        (">=", [0.0], 2.0, True),
        ("<", [1.0], 1.0, True),  # a primary: not on the firing side
        ("<", [0.5], 1.0, False),
        ("==", [1.0], 0.0, True),
        ("==", [0.0], 0.0, False),
    ],
)
def test_a_comparison_is_quiet_far_on_its_non_firing_side(
    op: str, values: list[float], threshold: float, quiet: bool
) -> None:
    assert is_quiet(op, values, threshold, 0.9) is quiet


class _HeldFor:
    """Prometheus as the standing check sees it: every comparison's left side at
    `value`, on its firing side for the last `held_s` seconds (a fake: a real
    Prometheus cannot be given ten minutes of history in a unit test; the
    integration test runs the real one)."""

    def __init__(self, value: float, held_s: float) -> None:
        self.value, self.held_s = value, held_s

    def scalar(self, promql: str) -> float:  # the thresholds here: "(a * b)"
        return math.prod(float(f) for f in promql.strip("()").split("*"))

    def values(self, promql: str) -> list[float]:
        found = re.search(r"\[(\d+)ms:(\d+)ms\]$", promql.rstrip(")"))
        if found is None:
            return [self.value]
        lookback, step = float(found[1]) / 1000, float(found[2]) / 1000
        return [min(self.held_s, lookback) / step]


@pytest.mark.parametrize(
    ("held_s", "standing"),
    [(118, False), (300, False), (700, True)],
)
def test_a_residue_is_standing_only_after_ten_minutes(held_s: float, standing: bool) -> None:
    """Back-to-back error sources chained their residues in the 60 s window for 108
    of 120 s (seen in CI): twice the window was too short to tell them from a
    standing condition like `traffic > 0.1`."""
    check = QuietInputs(cast(PrometheusClient, _HeldFor(0.49, held_s)), "A", FAST_BURN, 60.0)
    long_window, _ = check.states()
    assert long_window.standing is standing
    assert long_window.quiet is standing


@pytest.mark.parametrize(
    ("expr", "relative"),
    [
        ('sum(rate(a{status=~"5.."}[15s])) / sum(rate(a[15s])) > 0.9', True),
        ("histogram_quantile(0.95, sum by (le) (rate(b_bucket[30s]))) > 2", True),
        ("slo:burn:ratio > 14.4", True),  # through its recording rule
        ("sum by (service) (increase(idp_suspicious_sign_ins_total[1m])) > 0", False),
        ('sum(rate(a{status=~"5.."}[30s])) > 1', False),
    ],
)
def test_only_ratios_wait_out_a_previous_load(expr: str, relative: bool) -> None:
    """A load inflates a ratio's denominator (the next fault takes longer to show);
    a count or a rate shows its residue in its own comparison."""
    recording = {"slo:burn:ratio": "sum(rate(e[5s])) / sum(rate(t[5s]))"}
    assert is_relative_to_traffic(expr, recording) is relative
