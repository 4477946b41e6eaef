"""A locustfile for the load benchmark: one static file as fast as possible."""

from __future__ import annotations

from locust import FastHttpUser, constant, task


class StaticUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def index(self) -> None:
        self.client.get("/index.html")
