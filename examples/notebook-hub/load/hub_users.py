"""The notebook hub's own load: people signing in and looking at their home page
(`NotebookUser`), and a dashboard polling the hub's metrics (`MetricsPoller`). A
plain locustfile; a drill picks its classes with `load.user_classes`.

    PAGERDRILL_USERNAME=ada PAGERDRILL_PASSWORD=... locust -f load/hub_users.py \\
        --host http://127.0.0.1:18280 NotebookUser
"""

from __future__ import annotations

import os

from locust import HttpUser, between, task


class NotebookUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        credentials = {
            "user": os.environ.get("PAGERDRILL_USERNAME", "ada"),
            "secret": os.environ.get("PAGERDRILL_PASSWORD", ""),
        }
        with self.client.post("/hub/login", data=credentials, catch_response=True) as answer:
            if "/hub/home" not in answer.url:
                answer.failure("sign-in refused")

    @task
    def home(self) -> None:
        with self.client.get("/hub/home", catch_response=True) as answer:
            if 'id="state"' not in answer.text:
                answer.failure("the home page does not show the server's state")


class MetricsPoller(HttpUser):
    wait_time = between(1, 2)

    @task
    def metrics(self) -> None:
        self.client.get("/metrics")
