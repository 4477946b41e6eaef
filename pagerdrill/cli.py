"""The `pagerdrill` command.

    pagerdrill run [--target FILE] [--profile P] [--output DIR] [DRILL ...] [-- PYTEST ARGS]
    pagerdrill recover [--target FILE]
    pagerdrill sandbox up | status | down | variant NAME

`run` is pytest under the hood (drill files are pytest items), so pytest's own
selection works after `--`. Other packages add commands through the
`pagerdrill.commands` entry point group, so the harness imports none of them.

Exit codes: 0 every drill passed; 1 an expectation failed; 2 invalid config,
drill or arguments (nothing was touched); 3 infrastructure error (platform or
tools unreachable, a fault could not be injected or reverted); 130 interrupted (Ctrl-C
or SIGTERM; every fault was reverted on the way out).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from harness.errors import ConfigError, GuardRefused, HarnessError
from harness.results import Verdict

EXIT_PASSED, EXIT_FAILED, EXIT_CONFIG, EXIT_INFRASTRUCTURE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
DEFAULT_DRILLS = Path("drills")


class _Outcome:
    """pytest plugin that keeps what the exit code needs."""

    def __init__(self) -> None:
        self.collect_errors = 0
        self.verdicts: list[Verdict] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors += 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            verdict = dict(report.user_properties).get("verdict")
            if verdict is not None:  # a drill item (the plugin sets it)
                self.verdicts.append(Verdict(str(verdict)))
            elif report.outcome in ("passed", "failed"):  # any other pytest item
                self.verdicts.append(Verdict(report.outcome))

    @pytest.hookimpl(tryfirst=True)
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """Ctrl-C or SIGTERM can land where CPython 3.11 records no line number
        (a generator's resumption); pytest's report of the interrupt then fails on
        that frame and the run would exit 1, not 130. Such frames are left out."""
        _drop_lineless_frames(excinfo.value)

    def exit_code(self, pytest_code: int) -> int:
        if (
            Verdict.REFUSED in self.verdicts
            or self.collect_errors
            or pytest_code
            in (
                pytest.ExitCode.USAGE_ERROR,
                pytest.ExitCode.NO_TESTS_COLLECTED,
            )
        ):
            return EXIT_CONFIG
        if pytest_code == pytest.ExitCode.INTERRUPTED:
            return EXIT_INTERRUPTED
        if Verdict.ERROR in self.verdicts or pytest_code == pytest.ExitCode.INTERNAL_ERROR:
            return EXIT_INFRASTRUCTURE
        if pytest_code != pytest.ExitCode.OK or Verdict.FAILED in self.verdicts:
            return EXIT_FAILED
        return EXIT_PASSED


def _drop_lineless_frames(error: BaseException | None, seen: int = 0) -> None:
    while error is not None and seen < 10:
        tb = error.__traceback__
        while tb is not None and tb.tb_next is not None:
            if tb.tb_next.tb_lineno is None:
                tb.tb_next = tb.tb_next.tb_next
            else:
                tb = tb.tb_next
        error, seen = error.__context__, seen + 1


def _run(args: argparse.Namespace) -> int:
    pytest_args = [str(p) for p in (args.drills or [DEFAULT_DRILLS])]
    pytest_args += [
        "-p",
        "drills.plugin",
        "-p",
        "no:locust",
        "-p",
        "no:cacheprovider",
        "-o",
        "testpaths=",
        "--rootdir",
        ".",
        "-vv" if args.verbose else "-q",
    ]
    if args.target:
        pytest_args += ["--target", str(args.target)]
    if args.profile:
        pytest_args += ["--profile", args.profile]
    if args.dry_run:
        pytest_args += ["--dry-run"]
    if args.in_file_order:
        pytest_args += ["--in-file-order"]
    if args.fail_fast:
        pytest_args += ["--fail-fast"]
    output = args.output or Path("out")
    pytest_args += ["--pagerdrill-output", str(output)]
    outcome = _Outcome()
    code = pytest.main(pytest_args + list(args.pytest_args), plugins=[outcome])
    return outcome.exit_code(int(code))


def _add_run(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="run drills against a target (pytest under the hood)")
    run.add_argument(
        "drills", nargs="*", type=Path, help="drill files or folders (default: drills/)"
    )
    run.add_argument("--target", type=Path, help="target file (default: targets/sandbox.yaml)")
    run.add_argument("--profile", choices=("smoke", "gate", "nightly"))
    run.add_argument(
        "--output",
        type=Path,
        help="results.json, junit.xml, report.html and history/ (default: out/)",
    )
    run.add_argument("--verbose", action="store_true", help="show each API call to the platform")
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="print each drill's resolved targets and planned actions; touch nothing",
    )
    run.add_argument(
        "--fail-fast",
        action="store_true",
        help="end each drill at its first failed check: its fault reverted at once, the "
        "phases after it skipped (the next drills still run)",
    )
    run.add_argument(
        "--in-file-order",
        action="store_true",
        help="run the drills in file order (default: the order that spares steady-state waits)",
    )
    run.set_defaults(handler=_run, pytest_args=[])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pagerdrill", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    _add_run(subparsers)
    for entry in entry_points(group="pagerdrill.commands"):
        entry.load()(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in argv:
        argv, passthrough = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    args = build_parser().parse_args(argv)
    args.pytest_args = passthrough
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
    )
    # httpx logs whole URLs at INFO; query strings may carry tokens.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # testcontainers says "Pulling image" for local images it never pulls.
    logging.getLogger("testcontainers").setLevel(logging.WARNING)
    try:
        code = args.handler(args)
    except (ConfigError, GuardRefused) as exc:
        print(f"pagerdrill: {exc}", file=sys.stderr)
        code = EXIT_CONFIG
    except HarnessError as exc:
        print(f"pagerdrill: {type(exc).__name__}: {exc}", file=sys.stderr)
        code = EXIT_INFRASTRUCTURE
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: every fault's block has reverted on the way
        print("pagerdrill: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    sys.exit(code)
