"""The process listing run inside pods (no `ps` there): parsing, leaving out the
listing's own shell and children, and pattern matching."""

from __future__ import annotations

import subprocess

import pytest

from chaos.processes import LIST_SCRIPT, matching, parse_listing
from harness.drill import Drill

LISTING = """self 40
1 S 0 /sbin/tini -- uvicorn sandbox.idp.app:app
7 S 1 uvicorn sandbox.idp.app:app --port 8000
40 S 0 /bin/sh -c for d in /proc/[0-9]*; do ...
41 R 40 tr \\0
42 R 41 tr \\0
9 T 7 python worker.py
3 I 2
"""


def test_the_listing_leaves_out_its_own_shell_and_children() -> None:
    found = parse_listing("idp-0", LISTING)
    assert [(p.pid, p.state) for p in found] == [(1, "S"), (7, "S"), (9, "T"), (3, "I")]
    assert {p.where for p in found} == {"idp-0"}


def test_a_pattern_matches_command_lines_never_kernel_threads() -> None:
    found = parse_listing("idp-0", LISTING)
    assert [p.pid for p in matching(found, r"uvicorn sandbox[.]idp")] == [1, 7]
    assert [p.pid for p in matching(found, r"^uvicorn")] == [7]
    assert matching(found, ".*") == [p for p in found if p.pid != 3]


def test_the_script_lists_this_machine_in_a_plain_shell() -> None:
    # decoded as the Kubernetes client decodes exec output: a command line may hold
    # bytes that are not UTF-8 (CI's machine had one)
    raw = subprocess.run(["/bin/sh", "-c", LIST_SCRIPT], capture_output=True, check=True).stdout
    output = raw.decode("utf-8", "replace")
    found = parse_listing("here", output)
    assert any("pytest" in p.command for p in found), output[:500]
    assert not any("/proc/[0-9]" in p.command for p in found)  # its own shell is left out


def test_a_bad_pattern_is_refused_when_the_drill_is_loaded() -> None:
    with pytest.raises(ValueError, match="not a regular expression"):
        Drill.model_validate(
            {
                "name": "d",
                "fault": {"kind": "signal-process", "workload": "idp", "pattern": "(unclosed"},
                "expect": {},
            }
        )


def test_a_command_line_with_newlines_is_one_row_that_keeps_its_marker() -> None:
    """The stress program is `python3 -c PROGRAM MARKER ...`: a multi-line argument
    must not split its row (found by its marker in a pod's listing)."""
    child = subprocess.Popen(
        ["python3", "-c", "import time\ntime.sleep(30)\n", "pagerdrill-stress-listed"]
    )
    try:
        raw = subprocess.run(["/bin/sh", "-c", LIST_SCRIPT], capture_output=True, check=True)
        output = raw.stdout.decode("utf-8", "replace")  # as in the test above
        found = matching(parse_listing("here", output), "pagerdrill-stress-listed")
        assert [p.pid for p in found] == [child.pid]
    finally:
        child.kill()
        child.wait()
