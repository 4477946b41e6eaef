"""The rules of the common JUnit XML schema (Jenkins xunit-plugin's junit-10.xsd,
the layout CI viewers import), checked element by element. Returns every violation."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SUREFIRE_TIME = re.compile(r"^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$")
RULES: dict[str, tuple[set[str], set[str], set[str]]] = {
    # element: (required attributes, optional attributes, allowed children)
    "testsuites": (set(), {"name", "time", "tests", "failures", "errors"}, {"testsuite"}),
    "testsuite": (
        {"name", "tests", "failures", "errors"},
        {
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
        },
        {"testsuite", "properties", "testcase", "system-out", "system-err"},
    ),
    "properties": (set(), set(), {"property"}),
    "property": ({"name", "value"}, set(), set()),
    "testcase": (
        {"name"},
        {"time", "classname", "group"},
        {"skipped", "error", "failure", "system-out", "system-err"},
    ),
    "failure": (set(), {"type", "message"}, set()),
    "error": (set(), {"type", "message"}, set()),
    "skipped": (set(), {"type", "message"}, set()),
    "system-out": (set(), set(), set()),
    "system-err": (set(), set(), set()),
}


def violations(xml_text: str) -> list[str]:
    root = ET.fromstring(xml_text)
    if root.tag not in ("testsuites", "testsuite"):
        return [f"root element is <{root.tag}>, not <testsuites> or <testsuite>"]
    found: list[str] = []
    _check(root, found)
    return found


def _check(element: ET.Element, found: list[str]) -> None:
    required, optional, children = RULES[element.tag]
    attributes = set(element.attrib)
    found.extend(f"<{element.tag}> lacks {a}" for a in sorted(required - attributes))
    found.extend(
        f"<{element.tag}> has unknown {a}" for a in sorted(attributes - required - optional)
    )
    if (
        element.tag in ("testsuites", "testsuite")
        and "time" in element.attrib
        and not SUREFIRE_TIME.match(element.attrib["time"])
    ):
        found.append(f"<{element.tag}> time {element.attrib['time']!r} is not a surefire time")
    for child in element:
        if child.tag not in children:
            found.append(f"<{child.tag}> is not allowed in <{element.tag}>")
        else:
            _check(child, found)
