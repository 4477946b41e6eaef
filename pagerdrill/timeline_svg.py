"""A drill's timeline as an inline SVG picture: one lane per thing that happened
(the fault, each alert, each receiver, each person of the escalation ladder,
recovery, each journey), time in seconds from the fault along the x axis.
Hovering a mark shows what it is."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from harness.events import EventKind
from harness.timeline import Event

Scale = Callable[[float], float]
LABEL_W, PLOT_W, LANE_H, TOP = 190, 720, 22, 24
COLORS = {
    "failed": "#c62828",
    "ok": "#2e7d32",
    "pending": "#ef6c00",
    "firing": "#c62828",
    "resolved": "#2e7d32",
    "restart": "#1565c0",
    "green": "#2e7d32",
    "fault": "#6a1b9a",
    "notify": "#ef6c00",
    "acknowledge": "#2e7d32",
    "unacknowledge": "#c62828",
}


@dataclass(frozen=True)
class Mark:
    lane: str
    at: float
    color: str
    title: str
    width_s: float = 0.0


def _marks(events: Sequence[Event]) -> list[Mark]:
    marks = []
    for e in events:
        d = e.detail
        if e.kind in (EventKind.ALERT_PENDING, EventKind.ALERT_FIRING):
            state = e.kind.split(".")[1]
            marks.append(Mark(f"alert {d['alert']}", e.at, COLORS[state], f"{d['alert']} {state}"))
        elif e.kind.is_notification:
            status = e.kind.split(".")[1]
            marks.append(
                Mark(
                    f"→ {d['receiver']}",
                    e.at,
                    COLORS[status],
                    f"{d['alert']} {status} to {d['receiver']} ({d.get('channel')})",
                )
            )
        elif e.kind == EventKind.ESCALATION and d.get("step") in ("notify", "acknowledge"):
            step, who = str(d["step"]), str(d.get("who") or "someone")
            verb = "notified" if step == "notify" else "acknowledged"
            marks.append(
                Mark(
                    f"on call {who.split('@', maxsplit=1)[0]}",
                    e.at,
                    COLORS[step],
                    f"{who} {verb} on {d.get('receiver')}, {d.get('after_s')} s after the trigger",
                )
            )
        elif e.kind == EventKind.INCIDENT_TOOL:
            step = str(d.get("step"))
            marks.append(
                Mark(
                    str(d.get("tool")),
                    e.at,
                    COLORS["firing" if step == "opened" else "resolved"],
                    f"{d.get('tool')} {d.get('where')} {step}",
                )
            )
        elif e.kind == EventKind.RECOVERY_RESTARTED:
            marks.append(
                Mark(
                    f"restart {d['workload']}",
                    e.at,
                    COLORS["restart"],
                    f"{d['workload']} restarted (count {d.get('restart_count')})",
                )
            )
        elif e.kind == EventKind.RECOVERY_JOURNEY_GREEN:
            marks.append(
                Mark(
                    f"journey {d['journey']}", e.at, COLORS["green"], f"{d['journey']} green again"
                )
            )
        elif e.kind == EventKind.JOURNEY_ATTEMPT:
            ok = bool(d.get("ok"))
            why = "" if ok else f": {d.get('failed_step')}: {d.get('error')}"
            marks.append(
                Mark(
                    f"journey {d['journey']}",
                    e.at,
                    COLORS["ok" if ok else "failed"],
                    f"{d['journey']} {'ok' if ok else 'failed'}{why}",
                    float(str(d.get("duration_s") or 0)),
                )
            )
    return marks


def timeline_svg(events: Sequence[Event]) -> str:
    """The picture, or a short note when nothing was injected."""
    fault = next((e for e in events if e.kind == EventKind.FAULT_INJECTED), None)
    if fault is None:
        return '<p class="note">No fault was injected: no timeline.</p>'
    marks = _marks(events)
    lanes = list(dict.fromkeys(m.lane for m in marks))
    start = min([fault.at - 3] + [m.at for m in marks])
    end = max([fault.at + 5] + [m.at + m.width_s for m in marks])
    span = end - start

    def x(at: float) -> float:
        return LABEL_W + PLOT_W * (at - start) / span

    height = TOP + LANE_H * (len(lanes) + 1)
    parts = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" '
        f'width="{LABEL_W + PLOT_W + 20}" height="{height}" role="img" '
        f'aria-label="timeline of the drill">'
    ]
    parts += _axis(fault.at, start, end, x, height)
    for index, lane in enumerate(lanes):
        y = TOP + LANE_H * index + LANE_H / 2
        parts.append(
            f'<text x="4" y="{y + 4:.1f}" class="lane">{escape(lane)}</text>'
            f'<line x1="{LABEL_W}" x2="{LABEL_W + PLOT_W}" y1="{y:.1f}" y2="{y:.1f}" '
            'class="lane-line"/>'
        )
        for mark in (m for m in marks if m.lane == lane):
            parts.append(_mark(mark, x, y, fault.at))
    parts.append("</svg>")
    return "".join(parts)


def _axis(fault_at: float, start: float, end: float, x: Scale, height: float) -> list[str]:
    steps = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)
    step = next((s for s in steps if (end - start) / s <= 12), math.ceil((end - start) / 12))
    parts = []
    tick = -step * int((fault_at - start) // step)
    while fault_at + tick <= end:
        px = x(fault_at + tick)
        parts.append(
            f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{TOP - 6}" y2="{height - 14}" '
            f'class="grid"/><text x="{px:.1f}" y="{height - 2}" class="tick">'
            f"{tick:+g} s</text>"
        )
        tick += step
    fx = x(fault_at)
    parts.append(
        f'<line x1="{fx:.1f}" x2="{fx:.1f}" y1="{TOP - 14}" y2="{height - 14}" '
        f'stroke="{COLORS["fault"]}" stroke-width="2"><title>fault injected</title></line>'
        f'<text x="{fx + 3:.1f}" y="{TOP - 10}" class="fault">fault</text>'
    )
    return parts


def _mark(mark: Mark, x: Scale, y: float, fault_at: float) -> str:
    title = f"<title>{escape(mark.title)} at {mark.at - fault_at:+.2f} s</title>"
    if mark.width_s > 0:
        width = max(2.0, x(mark.at + mark.width_s) - x(mark.at))
        return (
            f'<rect x="{x(mark.at):.1f}" y="{y - 5:.1f}" width="{width:.1f}" height="10" '
            f'fill="{mark.color}" opacity="0.75">{title}</rect>'
        )
    return f'<circle cx="{x(mark.at):.1f}" cy="{y:.1f}" r="5" fill="{mark.color}">{title}</circle>'
