"""Small value types shared by configs, drills and results."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, SecretStr, model_validator


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    SECURITY = "security"


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(value: object) -> float:
    """``"30s"``, ``"2m"``, ``"500ms"``, ``"1h"`` or a number of seconds -> seconds."""
    seconds = parse_offset(value)
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


def parse_offset(value: object) -> float:
    """A duration that may be zero (an offset from a moment)."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 2m or 500ms")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if match is None:
            raise ValueError(f"{value!r} is not a duration such as 30s, 2m or 500ms")
        seconds = float(match.group(1)) * _UNIT_S[match.group(2)]
    return seconds


Seconds = Annotated[float, BeforeValidator(parse_duration)]
Offset = Annotated[float, BeforeValidator(parse_offset)]
"""Like Seconds, but zero is allowed (0, 0s)."""


class Frozen(BaseModel):
    """Base of every config model: immutable, and unknown fields are errors (typos show)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def http_url(value: str) -> str:
    """An http(s) URL with a host, without its trailing slash."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.rstrip("/")


class SecretSource(Frozen):
    """A secret from exactly one of: the environment, a file, inline. Resolved once
    by the settings; never logged or written to a report."""

    env: str | None = None
    file: Path | None = None
    value: SecretStr | None = None

    @model_validator(mode="after")
    def _one_source(self) -> SecretSource:
        if len([n for n in ("env", "file", "value") if getattr(self, n)]) != 1:
            raise ValueError("give exactly one of env, file, value")
        return self
