"""The Kubernetes HorizontalPodAutoscaler algorithm (autoscaling/v2), for one metric:

    desired = ceil(current * metric / target)

skipped while metric/target is within the tolerance of 1; clamped to [min, max];
scale-up acts at once, scale-down only to the highest recommendation of the
stabilisation window (so a dip does not remove replicas that are still needed).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Policy:
    min_replicas: int
    max_replicas: int
    target: float
    """The metric's target value per replica."""
    tolerance: float = 0.1
    scale_down_window_s: float = 20.0


def recommend(current: int, metric_per_replica: float, policy: Policy) -> int:
    """The replica count the metric asks for (before stabilisation)."""
    if current <= 0:
        return policy.min_replicas
    ratio = metric_per_replica / policy.target
    wanted = current if abs(ratio - 1.0) <= policy.tolerance else math.ceil(current * ratio)
    return max(policy.min_replicas, min(policy.max_replicas, wanted))


@dataclass
class Autoscaler:
    policy: Policy
    _recommendations: deque[tuple[float, int]] = field(default_factory=deque)

    def desired(self, now: float, current: int, metric_per_replica: float) -> int:
        """What to scale to now: up at once, down to the window's highest recommendation."""
        wanted = recommend(current, metric_per_replica, self.policy)
        self._recommendations.append((now, wanted))
        while (
            self._recommendations
            and self._recommendations[0][0] < now - self.policy.scale_down_window_s
        ):
            self._recommendations.popleft()
        if wanted >= current:
            return wanted
        return max(r for _, r in self._recommendations)
