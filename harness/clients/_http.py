"""What every client shares: timeouts, errors that say where and what to do, verbose logging."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from harness.closing import Closing
from harness.errors import InfrastructureError

log = logging.getLogger("pagerdrill.api")
TIMEOUT_S = 5.0


def _log_request(request: httpx.Request) -> None:
    # Only method and path: query strings and bodies may carry tokens.
    log.debug("%s %s%s", request.method, request.url.host, request.url.path)


class JsonApi(Closing):
    """A JSON HTTP API at `base_url`; `name` says what it is in error messages."""

    def __init__(
        self,
        name: str,
        base_url: str,
        transport: httpx.BaseTransport | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ):
        """`headers` and `auth` may carry tokens: they are sent, never logged."""
        self.name = name
        self.base_url = base_url
        self._client = httpx.Client(
            base_url=base_url,
            timeout=TIMEOUT_S,
            transport=transport,
            headers=headers,
            auth=auth,
            event_hooks={"request": [_log_request]},
        )

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a read (GET) the server dropped without answering is sent once
        more: a kept-alive connection the server closed just as it was reused (the
        sandbox's sink did so once in a whole test suite) is not the server down."""
        try:
            return self._client.request(method, path, **kwargs)
        except httpx.RemoteProtocolError:
            if method != "GET":
                raise
            return self._client.request(method, path, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._send(method, path, **kwargs)
            response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            raise InfrastructureError(
                f"{self.name} at {self.base_url} answered {exc.response.status_code} to "
                f"{method} {path}: {exc.response.text[:200]}"
            ) from exc
        except httpx.HTTPError as exc:
            raise InfrastructureError(
                f"{self.name} at {self.base_url} did not answer {method} {path} "
                f"({type(exc).__name__}: {exc}). Hint: is it running? For the sandbox: "
                "`pagerdrill sandbox status`."
            ) from exc
        return response.json() if response.content else None

    def text(self, path: str) -> str:
        """A plain-text resource (a `/metrics` page)."""
        try:
            response = self._send("GET", path)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise InfrastructureError(
                f"{self.name} at {self.base_url} did not serve {path} ({type(exc).__name__})"
            ) from exc
        return response.text

    def close(self) -> None:
        self._client.close()
