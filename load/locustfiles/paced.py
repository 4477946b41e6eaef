"""Template browsing at a fixed pace, for drills whose alert counts errors per
second (error-storm). Every user signs in, then lists templates at a constant
rate, so the errors a fault makes per second, and with them when a rate rule
fires, are the same in every run. idp.py's mix draws its next task at random
after a random wait: over the ten seconds a rule needs, the share of template
listings in it varied enough to move error-storm's detection by 6 s between
three nightly runs.

    locust -f load/locustfiles/paced.py --host http://127.0.0.1:18080 -u 8 -r 8 -t 1m --headless
"""

from __future__ import annotations

import os

# the sibling locustfile, as Locust finds it (it puts a locustfile's folder on sys.path;
# mypy knows it as load.locustfiles.idp)
import idp  # type: ignore[import-not-found]
from locust import FastHttpUser, constant_throughput, task


class IdpPacedTemplateBrowser(FastHttpUser):
    """Signs in once, then lists templates every 2 s."""

    host = "http://127.0.0.1:18080"
    wait_time = constant_throughput(0.5)

    def on_start(self) -> None:
        username = os.environ.get("IDP_USERNAME", "alice")
        password = idp.configured_password()
        self.headers: dict[str, str] = idp.signed_in_headers(self.client, username, password)

    @task
    def browse_templates(self) -> None:
        self.client.get("/api/templates", headers=self.headers)
