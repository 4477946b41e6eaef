"""The self-contained HTML report: verdict, gate, regressions, and per drill its
checks, a timeline picture and its trend against previous runs. No scripts, no
external resources: it opens from a CI artifact as it is."""

from __future__ import annotations

from html import escape
from pathlib import Path

from harness import clock
from harness.history import PastRun
from harness.results import Check, DrillResult, RunResult, SeenAlert, Verdict
from pagerdrill.coverage import Coverage
from pagerdrill.report import format_seconds, summary_table, verdict_line
from pagerdrill.timeline_svg import timeline_svg

TREND_RUNS = 10
STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-top:1px solid #ddd;padding-top:1rem}
.badge{display:inline-block;padding:.15rem .6rem;border-radius:.3rem;color:#fff;font-weight:600}
.passed{background:#2e7d32}.failed,.error{background:#c62828}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;
text-align:left;font-size:.9rem}th{background:#f5f5f5}tr.fail td{background:#fdecea}
pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.8rem}
svg.timeline{font-size:11px;background:#fcfcfc;border:1px solid #eee}
.lane{fill:#333}.lane-line{stroke:#eee}.grid{stroke:#f0f0f0}.tick{fill:#777;text-anchor:middle}
.fault{fill:#6a1b9a;font-weight:600}.note{color:#777}
"""


def _checks(drill: DrillResult) -> str:
    rows = "".join(
        f'<tr class="{"ok" if c.passed else "fail"}"><td>{"✔" if c.passed else "✘"}</td>'
        f"<td>{escape(c.name)}</td><td>{escape(c.detail)}</td><td>{_evidence(c)}</td>"
        f"<td>{format_seconds(c.measured_s)}</td><td>{format_seconds(c.deadline_s)}</td></tr>"
        for c in drill.checks
    )
    return (
        "<table><tr><th></th><th>expectation</th><th>what was seen</th><th>evidence</th>"
        f"<th>measured</th><th>deadline</th></tr>{rows}</table>"
    )


def _evidence(check: Check) -> str:
    if check.evidence_required is None:
        return ""
    return escape(f"{check.evidence or 'none'} (needs {check.evidence_required})")


def _journeys(drill: DrillResult) -> str:
    if not drill.journeys:
        return ""
    rows = "".join(
        f"<tr><td>{escape(journey)}</td>"
        + "".join(f"<td>{escape(w.describe())}</td>" for w in windows.values())
        + "</tr>"
        for journey, windows in drill.journeys.items()
    )
    return (
        "<h3>Journeys</h3><table><tr><th>journey</th><th>before the fault</th>"
        f"<th>during (until back)</th><th>after</th></tr>{rows}</table>"
    )


def _when(document: dict[str, object]) -> str:
    """``11-26 16:43`` from an ISO timestamp."""
    return str(document["finished_at"])[5:16].replace("T", " ")


def _trend(drill: DrillResult, history: list[PastRun]) -> str:
    """Stages as rows, the last runs (this one last) as columns."""
    past = [r.drills[drill.drill] for r in history if drill.drill in r.drills][-TREND_RUNS:]
    if not past:
        return '<p class="note">No previous runs stored: no trend yet.</p>'
    runs = [*past, drill.as_json()]
    head = "".join(f"<th>{escape(_when(r))}<br>{escape(str(r['verdict']))}</th>" for r in runs)
    rows = []
    for stage in sorted({*drill.mttd_s, *drill.mttr_s}):
        cells = "".join(
            f"<td>{format_seconds({**r.get('mttd_s', {}), **r.get('mttr_s', {})}.get(stage))}</td>"
            for r in runs
        )
        rows.append(f"<tr><td>{escape(stage)}</td>{cells}</tr>")
    return f"<table><tr><th>stage / run</th>{head}</tr>{''.join(rows)}</table>"


def _window(drill: DrillResult, stage: str) -> str:
    window = drill.windows_s.get(stage)
    return "" if window is None else f" (window {format_seconds(window)})"


def _stages(drill: DrillResult) -> str:
    """Every MTTD/MTTR stage against its detection floor and deadline."""
    stages = sorted({*drill.mttd_s, *drill.mttr_s, *drill.deadlines_s})
    if not stages:
        return ""
    measured = {**drill.mttd_s, **drill.mttr_s}
    rows = "".join(
        f"<tr><td>{escape(stage)}</td><td>{format_seconds(measured.get(stage))}</td>"
        f"<td>{format_seconds(drill.floors_s.get(stage))}{_window(drill, stage)}</td>"
        f"<td>{format_seconds(drill.deadlines_s.get(stage))}</td></tr>"
        for stage in stages
    )
    return (
        "<h3>Stages</h3><table><tr><th>stage</th><th>measured (from the fault)</th>"
        f"<th>detection floor</th><th>deadline</th></tr>{rows}</table>"
    )


def _held_back(alert: SeenAlert) -> str:
    if alert.inhibited_by:
        return "by " + escape(", ".join(alert.inhibited_by))
    return "yes" if alert.suppressed else ""


def _alerts(drill: DrillResult) -> str:
    """Every alert seen from the fault to the end, and where it went."""
    if not drill.alerts:
        return ""
    rows = "".join(
        f'<tr class="{"fail" if a.unexpected_page else "ok"}"><td>{escape(a.name)}</td>'
        f"<td>{escape(a.priority or '')}</td><td>{escape(a.role)}</td>"
        f"<td>{escape(', '.join(a.notified))}</td><td>{escape(', '.join(a.routed))}</td>"
        f"<td>{format_seconds(a.first_notified_s)}</td><td>{_held_back(a)}</td>"
        f"<td>{'unexpected page' if a.unexpected_page else ''}</td></tr>"
        for a in drill.alerts
    )
    return (
        "<h3>Alerts seen</h3><table><tr><th>alert</th><th>priority</th><th>role</th>"
        "<th>notified (receivers' systems)</th><th>routed (Alertmanager)</th>"
        "<th>first notified (from the fault)</th>"
        f"<th>inhibited or silenced</th><th></th></tr>{rows}</table>"
    )


def _drill_section(drill: DrillResult, history: list[PastRun]) -> str:
    error = f"<p><strong>error:</strong> {escape(drill.error)}</p>" if drill.error else ""
    budget = (
        ""
        if drill.budget_burned_percent is None
        else f" · error budget burned {drill.budget_burned_percent:.3f} %"
    )
    return (
        f'<section id="drill-{escape(drill.drill)}"><h2>{escape(drill.drill)} '
        f'<span class="badge {drill.verdict}">{drill.verdict}</span></h2>'
        f"<p>{clock.iso(drill.started_at)} · "
        f"{drill.finished_at - drill.started_at:.1f} s{budget}</p>{error}"
        f"<h3>Expectations</h3>{_checks(drill)}{_stages(drill)}{_alerts(drill)}"
        f"{_journeys(drill)}"
        f"<h3>Timeline</h3>{timeline_svg(drill.events)}"
        f"<h3>Trend</h3>{_trend(drill, history)}</section>"
    )


def _coverage(coverage: Coverage | None) -> str:
    if coverage is None:
        return (
            '<h2>Alert coverage</h2><p class="note">Unknown: Prometheus or Alertmanager '
            "could not be read when the report was written.</p>"
        )
    ratios = ", ".join(
        f"{escape(scope)} {'-' if r is None else f'{100 * r:.0f} %'}"
        for scope, r in coverage.ratios().items()
    )
    rows = "".join(
        f'<tr class="{"ok" if c.status in ("proven", "not drillable") else "fail"}"><td>{kind}</td>'
        f"<td>{escape(c.name)}</td><td>{escape(c.priority or '')}</td>"
        f"<td>{escape(c.status)}</td><td>{escape(c.describe())}</td></tr>"
        for kind, items in (("rule", coverage.rules), ("receiver", coverage.receivers))
        for c in items
    )
    return (
        f"<h2>Alert coverage</h2><p>Proven by a drill: {ratios}.</p>"
        "<table><tr><th></th><th>name</th><th>priority</th><th>status</th>"
        f"<th>evidence</th></tr>{rows}</table>"
    )


def render_report(run: RunResult, history: list[PastRun], coverage: Coverage | None = None) -> str:
    verdict = Verdict.PASSED if run.passed else Verdict.FAILED
    gate = "".join(
        f'<tr class="{"ok" if g.passed else "fail"}"><td>{escape(g.name)}</td>'
        f"<td>{escape(g.detail)}</td></tr>"
        for g in run.gate
    )
    gate_html = f"<h2>Readiness gate</h2><table>{gate}</table>" if gate else ""
    regressions = "".join(f"<li>{escape(r.describe())}</li>" for r in run.regressions)
    regressions_html = f"<h2>Regressions</h2><ul>{regressions}</ul>" if regressions else ""
    title = f"pagerdrill {run.profile or 'run'} · {run.target} ({run.platform}) · {run.run_id}"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(title)} <span class="badge {verdict}">{verdict}</span></h1>'
        f"<p>{escape(verdict_line(run))}</p><pre>{escape(summary_table(run.drills))}</pre>"
        f"{gate_html}{regressions_html}"
        + "".join(_drill_section(d, history) for d in run.drills)
        + _coverage(coverage)
        + "</body></html>\n"
    )


def write_report(
    run: RunResult, history: list[PastRun], path: Path, coverage: Coverage | None = None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(run, history, coverage))
