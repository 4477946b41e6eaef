"""The sandbox controller's HPA algorithm: ratio, tolerance, bounds, and the
scale-down stabilisation window."""

from __future__ import annotations

import pytest

from sandbox.docker.controller.hpa import Autoscaler, Policy, recommend

POLICY = Policy(min_replicas=1, max_replicas=4, target=15.0, tolerance=0.1, scale_down_window_s=20)


@pytest.mark.parametrize(
    ("current", "metric", "wanted"),
    [
        (1, 15.0, 1),  # on target
        (1, 16.4, 1),  # within the 10 % tolerance
        (1, 17.0, 2),  # ceil(1 * 17 / 15)
        (2, 30.0, 4),  # ceil(2 * 2)
        (2, 100.0, 4),  # capped at max
        (4, 1.0, 1),  # ceil(4 / 15) = 1
        (3, 0.0, 1),  # never below min
        (0, 50.0, 1),  # nothing running: min
    ],
)
def test_recommendation_follows_the_hpa_formula(current: int, metric: float, wanted: int) -> None:
    assert recommend(current, metric, POLICY) == wanted


def test_scale_up_is_immediate_and_scale_down_waits_for_the_window() -> None:
    scaler = Autoscaler(POLICY)
    assert scaler.desired(0.0, 1, 45.0) == 3  # up at once
    assert scaler.desired(5.0, 3, 1.0) == 3  # the spike's recommendation still in the window
    assert scaler.desired(15.0, 3, 1.0) == 3
    assert scaler.desired(21.0, 3, 1.0) == 1  # 20 s after the last high recommendation
    assert scaler.desired(22.0, 1, 20.0) == 2
