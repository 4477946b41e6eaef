"""API versions of the three journeys against the reference IDP's JSON API:
sign in, browse templates, create a component from a template, deploy it and
follow the deployment. A plain locustfile:

    locust -f load/locustfiles/idp.py --host http://127.0.0.1:18080 -u 20 -r 5 -t 1m --headless

Credentials: IDP_USERNAME (default alice) and IDP_PASSWORD, or IDP_PASSWORD_FILE
(the sandbox's: /var/tmp/pagerdrill/sandbox/secrets/idp-password). Created
components are named load-<random>.
"""

from __future__ import annotations

import os
import random
import secrets
from pathlib import Path

from locust import FastHttpUser, between, task
from locust.contrib.fasthttp import FastHttpSession

TEMPLATES = {
    "python-service": {"language_version": "3.12", "port": "8080"},
    "node-frontend": {"node_version": "20"},
    "data-pipeline": {"schedule": "0 * * * *"},
}


def configured_password() -> str:
    file = os.environ.get("IDP_PASSWORD_FILE")
    if file:
        return Path(file).read_text().strip()
    return os.environ.get("IDP_PASSWORD", "")


def signed_in_headers(client: FastHttpSession, username: str, password: str) -> dict[str, str]:
    """The bearer header of a fresh sign-in ({} if refused: a failure in the stats)."""
    with client.post(
        "/api/login", json={"username": username, "password": password}, catch_response=True
    ) as response:
        if response.status_code == 200:
            return {"Authorization": f"Bearer {response.json()['token']}"}
        response.failure(f"sign-in answered {response.status_code}")
        return {}


class IdpApiUser(FastHttpUser):
    host = "http://127.0.0.1:18080"
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.username = os.environ.get("IDP_USERNAME", "alice")
        self.password = configured_password()
        self.headers: dict[str, str] = {}
        self.sign_in()

    @task(1)
    def sign_in(self) -> None:
        self.headers = signed_in_headers(self.client, self.username, self.password) or self.headers

    @task(5)
    def browse_templates(self) -> None:
        self.client.get("/api/templates", headers=self.headers)

    def _create(self) -> str | None:
        template, parameters = random.choice(list(TEMPLATES.items()))
        name = f"load-{secrets.token_hex(5)}"
        body = {
            "name": name,
            "owner": self.username,
            "template": template,
            "parameters": parameters,
        }
        with self.client.post(
            "/api/components", json=body, headers=self.headers, catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"create answered {response.status_code}")
                return None
        return name

    @task(2)
    def create_component(self) -> None:
        self._create()

    @task(1)
    def deploy_service(self) -> None:
        name = self._create()
        if name is None:
            return
        with self.client.post(
            f"/api/components/{name}/deployments",
            json={"environment": "staging"},
            headers=self.headers,
            name="/api/components/[name]/deployments",
            catch_response=True,
        ) as response:
            if response.status_code != 202:
                response.failure(f"deploy answered {response.status_code}")
                return
            deployment = response.json()["id"]
        self.client.get(
            f"/api/deployments/{deployment}", headers=self.headers, name="/api/deployments/[id]"
        )
