"""PromQL and Prometheus config arithmetic: durations (`1m30s`), and the longest
range window an expression reads (through the recording rules it uses)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_PROM_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_UNIT_S = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_WINDOW = re.compile(r"\[\s*(\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+\s*(?::[^\]]*)?\]")
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def prometheus_duration(text: str | float | None, default: float = 0.0) -> float:
    """``"1m30s"``, ``"5m"``, ``"500ms"`` (Prometheus and Alertmanager style) -> seconds."""
    if text is None:
        return default
    if isinstance(text, int | float):
        return float(text)
    parts = _PROM_DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text.strip():
        raise ValueError(f"{text!r} is not a Prometheus duration")
    return sum(float(n) * _UNIT_S[u] for n, u in parts)


def promql_duration(seconds: float) -> str:
    """Seconds as a PromQL duration: whole milliseconds (``3.6`` -> ``"3600ms"``);
    PromQL refuses ``3.6s``."""
    return f"{round(seconds * 1000)}ms"


def longest_window_s(
    expr: str, recording: Mapping[str, str], seen: frozenset[str] = frozenset()
) -> float:
    """The longest range window the expression reads, through the recording rules it uses."""
    windows = [
        prometheus_duration(m[0].strip("[]").split(":")[0].strip()) for m in _WINDOW.finditer(expr)
    ]
    for name in set(_NAME.findall(expr)) & (set(recording) - seen):
        windows.append(longest_window_s(recording[name], recording, seen | {name}))
    return max(windows, default=0.0)
