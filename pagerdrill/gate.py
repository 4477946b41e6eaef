"""Regressions against history, and the readiness gate's criteria."""

from __future__ import annotations

from collections.abc import Sequence

from harness.history import PastRun, baseline
from harness.results import DrillResult, GateCheck, Regression, Verdict
from harness.target import GateCriteria
from pagerdrill.coverage import Coverage


def find_regressions(
    drills: Sequence[DrillResult], history: list[PastRun], criteria: GateCriteria
) -> list[Regression]:
    """Every MTTD/MTTR stage slower than its baseline by more than the tolerance, both
    relative (`max_regression_percent`) and absolute (`min_regression_seconds`)."""
    found = []
    for drill in drills:
        for stage, measured in {**drill.mttd_s, **drill.mttr_s}.items():
            base = baseline(history, drill.drill, stage, criteria.baseline_runs)
            if base is None or base <= 0:
                continue
            slower = measured - base
            if (
                slower > criteria.min_regression_seconds
                and 100 * slower / base > criteria.max_regression_percent
            ):
                found.append(Regression(drill.drill, stage, base, measured))
    return found


def evaluate_gate(
    drills: Sequence[DrillResult], regressions: Sequence[Regression], criteria: GateCriteria
) -> list[GateCheck]:
    required = {str(p) for p in criteria.required_priorities}
    concerned = [d for d in drills if required & set(d.priorities)]
    failing = [d.drill for d in concerned if d.verdict is not Verdict.PASSED]
    names = ", ".join(sorted(required))
    checks = [
        GateCheck(
            f"every {names} drill passes",
            bool(concerned) and not failing,
            f"failed: {', '.join(failing)}"
            if failing
            else (f"{len(concerned)} drills passed" if concerned else f"no {names} drill ran"),
        )
    ]
    limit = criteria.max_error_budget_burned_percent
    burned = sum(d.budget_burned_percent or 0.0 for d in drills)
    checks.append(
        GateCheck(
            f"error budget burned <= {limit:g} %",
            burned <= limit,
            f"the drills burned {burned:.2f} % of the error budget",
        )
    )
    checks.append(
        GateCheck(
            f"no MTTD/MTTR regression > {criteria.max_regression_percent:g} %",
            not regressions,
            "; ".join(r.describe() for r in regressions) or "none against the stored baselines",
        )
    )
    return checks


def coverage_gate(coverage: Coverage | None, criteria: GateCriteria) -> list[GateCheck]:
    """The P0 rule coverage criterion, when the target sets one."""
    wanted = criteria.min_p0_rule_coverage_percent
    if wanted is None:
        return []
    name = f"P0 alert rules proven by drills >= {wanted:g} %"
    if coverage is None:
        return [GateCheck(name, False, "coverage unknown: Prometheus or Alertmanager unreachable")]
    ratio = coverage.ratios()["p0_rules"]
    p0 = [r for r in coverage.rules if r.priority == "P0"]
    missing = ", ".join(r.name for r in p0 if r.status != "proven")
    percent = 0.0 if ratio is None else 100 * ratio
    detail = f"{percent:.0f} % of {len(p0)} P0 rules proven" + (
        f"; not: {missing}" if missing else ""
    )
    return [GateCheck(name, percent >= wanted, detail)]
