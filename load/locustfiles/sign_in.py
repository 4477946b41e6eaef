"""Sign-ins only: people arriving at work, each signing in again every second or two
(the morning wave), against the reference IDP's JSON API. Credentials as in idp.py:

    locust -f load/locustfiles/sign_in.py --host http://127.0.0.1:18080 -u 6 -r 6 -t 1m --headless
"""

from __future__ import annotations

import os

from idp import configured_password  # type: ignore[import-not-found]  # beside this file, on Locust's path
from locust import FastHttpUser, between, task


class IdpSignInUser(FastHttpUser):
    host = "http://127.0.0.1:18080"
    wait_time = between(1.0, 2.0)

    def on_start(self) -> None:
        self.credentials = {
            "username": os.environ.get("IDP_USERNAME", "alice"),
            "password": configured_password(),
        }

    @task
    def sign_in(self) -> None:
        with self.client.post("/api/login", json=self.credentials, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"sign-in answered {answer.status_code}")
