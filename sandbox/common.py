"""What the sandbox's two platforms share: the image, the source folder mounted into
every container or pod, the seeded user, and the generated secrets."""

from __future__ import annotations

import secrets
from pathlib import Path

IMAGE = "pagerdrill/sandbox:latest"
SOURCE_DIR = Path(__file__).resolve().parent
"""Mounted as /opt/pagerdrill/sandbox (the app, sink, relay and scripts run from it)."""
SEED_USER = "alice"


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
