"""Unit tests load the shipped sandbox target, whose secrets are files that
`pagerdrill sandbox up` generates: generated here the same way (and then reused by
the sandbox), so that these tests pass on a machine where no sandbox ran yet."""

from __future__ import annotations

import pytest

from sandbox.common import Secrets
from sandbox.docker.topology import DEFAULT_STATE_DIR

SECRETS = ("idp-password", "admin-token", "sink-token", "database-password")


@pytest.fixture(scope="session", autouse=True)
def sandbox_secrets() -> None:
    secrets = Secrets(DEFAULT_STATE_DIR / "secrets")
    for name in SECRETS:
        secrets.secret(name)
