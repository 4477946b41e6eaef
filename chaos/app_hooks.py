"""The app's fault hooks (`/admin/faults`, `/admin/cache/flush`, header
X-Admin-Token), as the sandbox's reference IDP offers them."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from harness.clients._http import JsonApi


class AppHooks(JsonApi):
    def __init__(
        self, base_url: str, admin_token: SecretStr, transport: httpx.BaseTransport | None = None
    ) -> None:
        super().__init__("the app's fault hooks", base_url, transport)
        self._headers = {"X-Admin-Token": admin_token.get_secret_value()}

    def hooks(self) -> dict[str, Any]:
        found: dict[str, Any] = self.request("GET", "/admin/faults", headers=self._headers)
        return found

    def set_hooks(self, hooks: dict[str, Any]) -> None:
        """Replace every hook at once (missing ones are off)."""
        self.request("PUT", "/admin/faults", json=hooks, headers=self._headers)

    def flush_cache(self) -> None:
        self.request("POST", "/admin/cache/flush", headers=self._headers)
