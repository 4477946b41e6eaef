"""What the sandbox's two platforms share: the image, the source folder mounted into
every container or pod, the seeded user, and the generated secrets."""

from __future__ import annotations

import secrets
from pathlib import Path

IMAGE = "pagerdrill/sandbox:latest"
SINK_IMAGE = "pagerdrill/sink:latest"
"""`pagerdrill sink` on its own (deploy/sink/), built beside IMAGE."""
SOURCE_DIR = Path(__file__).resolve().parent
"""Mounted as /opt/pagerdrill/sandbox (the app, sink, relay and scripts run from it)."""
SEED_USER = "alice"
ALERTMANAGER = [
    "alertmanager", "--config.file=/etc/pagerdrill/alertmanager.yml", "--cluster.listen-address=",
    "--web.listen-address=:9093",
    # storage: each platform adds its --storage.path
    # per-receiver notification metrics: the `delivered` evidence tier
    "--enable-feature=receiver-name-in-metrics",
]  # fmt: skip
MAILPIT = [
    "mailpit", "--smtp=0.0.0.0:1025", "--listen=0.0.0.0:8025", "--smtp-auth-accept-any",
    "--smtp-auth-allow-insecure", "--max=5000", "--disable-version-check",
]  # fmt: skip
"""The mail server of the email receivers: SMTP on 1025, its HTTP API on 8025."""


class Secrets:
    """Random secrets, generated once per folder and kept in 0600 files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def secret(self, name: str) -> str:
        path = self.folder / name
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.write_text(secrets.token_urlsafe(18))
            path.chmod(0o600)
        return path.read_text().strip()


def automation_env(sink_token: str) -> dict[str, str]:
    """The incident automation's tools: the sink plays Slack and the status page."""
    return {
        "SLACK_API_URL": "http://sink:8080/slack/api",
        "SLACK_TOKEN": sink_token,
        "STATUSPAGE_API_URL": "http://sink:8080/statuspage/v1",
        "STATUSPAGE_PAGE_ID": "sandbox",
        "STATUSPAGE_TOKEN": sink_token,
        "STATUSPAGE_COMPONENT": "developer-portal",
    }
