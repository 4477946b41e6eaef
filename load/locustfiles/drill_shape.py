"""The load shape of a drill, for Locust: `-f <locustfile>,load/locustfiles/drill_shape.py`
with the shape as JSON in PAGERDRILL_LOAD_SHAPE (the runner sets both). The
schedule is harness.load_specs', so the harness and Locust agree on it."""

from __future__ import annotations

import os

from locust import LoadTestShape
from pydantic import TypeAdapter

from harness.load_specs import LoadShape, Tick

SHAPE = TypeAdapter(LoadShape).validate_json(os.environ["PAGERDRILL_LOAD_SHAPE"])


class DrillShape(LoadTestShape):
    def tick(self) -> Tick:
        return SHAPE.tick(self.get_run_time())  # type: ignore[no-untyped-call]
