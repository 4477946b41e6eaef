"""JUnit XML from the result model: one test suite per drill, one test case per
expectation, so a CI viewer shows exactly which expectation failed. Regressions
and the readiness gate get a suite each. The layout is the common one (Jenkins'
junit-10 schema: testsuites > testsuite[name, tests, failures, errors] > testcase)."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from pathlib import Path

from harness import clock
from harness.results import DrillResult, RunResult


def _suite(parent: ET.Element, name: str, time_s: float, timestamp: float) -> ET.Element:
    return ET.SubElement(
        parent,
        "testsuite",
        name=name,
        time=f"{time_s:.3f}",
        timestamp=clock.iso(timestamp)[:-1],
        hostname=socket.gethostname(),
    )


def _case(suite: ET.Element, classname: str, name: str, time_s: float | None = None) -> ET.Element:
    return ET.SubElement(
        suite, "testcase", classname=classname, name=name, time=f"{time_s or 0:.3f}"
    )


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))


def _drill_suite(root: ET.Element, drill: DrillResult) -> None:
    suite = _suite(
        root, f"drill {drill.drill}", drill.finished_at - drill.started_at, drill.started_at
    )
    properties = ET.SubElement(suite, "properties")
    stages = {
        **{f"mttd.{k}": v for k, v in drill.mttd_s.items()},
        **{f"mttr.{k}": v for k, v in drill.mttr_s.items()},
    }
    for name, seconds in stages.items():
        ET.SubElement(properties, "property", name=name, value=f"{seconds:.3f}")
    if drill.budget_burned_percent is not None:
        ET.SubElement(
            properties,
            "property",
            name="error_budget_burned_percent",
            value=f"{drill.budget_burned_percent:.4f}",
        )
    for check in drill.checks:
        case = _case(suite, drill.drill, check.name, check.measured_s)
        if not check.passed:
            ET.SubElement(
                case, "failure", type="ExpectationFailed", message=check.detail
            ).text = check.detail
        if check.evidence_required is not None:
            ET.SubElement(
                case, "system-out"
            ).text = f"evidence: {check.evidence or 'none'} (required: {check.evidence_required})"
    if drill.error is not None:
        case = _case(suite, drill.drill, "drill ran to completion")
        ET.SubElement(
            case, "error", type="InfrastructureError", message=drill.error
        ).text = drill.error
    _count(suite)


def write_junit(run: RunResult, path: Path) -> None:
    root = ET.Element(
        "testsuites",
        name=f"pagerdrill {run.profile or 'run'} {run.platform} {run.run_id}",
        time=f"{run.finished_at - run.started_at:.3f}",
    )
    for drill in run.drills:
        _drill_suite(root, drill)
    if run.gate:
        suite = _suite(root, "readiness gate", 0.0, run.finished_at)
        for check in run.gate:
            case = _case(suite, "gate", check.name)
            if not check.passed:
                ET.SubElement(
                    case, "failure", type="GateFailed", message=check.detail
                ).text = check.detail
        _count(suite)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root.findall("testsuite"))))
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
