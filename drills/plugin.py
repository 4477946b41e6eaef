"""pytest plugin: every `*.drill.yaml` file is collected as a drill item.

Loaded by the root conftest.py and by `pagerdrill run`. Options:
``--target FILE``, ``--pagerdrill-output DIR``, ``--profile smoke|gate|nightly``,
``--in-file-order`` (drills otherwise run in the order remediation/run_order.py plans).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from harness import clock
from harness.drill import load_drill
from harness.errors import ConfigError, GuardRefused, HarnessError, InfrastructureError
from harness.results import DrillResult, RunResult, Verdict
from harness.settings import Settings, load_settings
from harness.signals import interrupt_on_sigterm
from pagerdrill.publish import Outputs, publish
from pagerdrill.report import run_summary
from remediation.run_order import order_drills
from remediation.runner import plan_drill, run_drill
from remediation.validation import ValidDrill, validate_drill

SETTINGS = pytest.StashKey[Settings]()
RESULTS = pytest.StashKey[list[DrillResult]]()
RUN = pytest.StashKey[tuple[RunResult, Outputs]]()
STARTED_AT = pytest.StashKey[float]()
ORDER = pytest.StashKey[str]()
PROFILES = ("smoke", "gate", "nightly")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pagerdrill", "pagerdrill drills")
    group.addoption(
        "--target",
        dest="pagerdrill_target",
        type=Path,
        default=None,
        help="target file (default: $PAGERDRILL_TARGET or targets/sandbox.yaml)",
    )
    group.addoption(
        "--pagerdrill-output",
        dest="pagerdrill_output",
        type=Path,
        default=None,
        help="folder for results.json (default: $PAGERDRILL_OUTPUT_DIR or out/)",
    )
    group.addoption(
        "--profile",
        dest="pagerdrill_profile",
        choices=PROFILES,
        default=None,
        help="run only the drills that belong to this profile",
    )
    group.addoption(
        "--dry-run",
        dest="pagerdrill_dry_run",
        action="store_true",
        help="print each drill's resolved targets and planned actions; touch nothing",
    )
    group.addoption(
        "--fail-fast",
        dest="pagerdrill_fail_fast",
        action="store_true",
        help="end each drill at its first failed check (reverted at once; the next drill runs)",
    )
    group.addoption(
        "--in-file-order",
        dest="pagerdrill_in_file_order",
        action="store_true",
        help="run the drills in file order, not in the order that spares waits",
    )


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Drills in the order that spares them waiting for each other's residue
    (remediation/run_order.py); file order with `--in-file-order`, for a dry run, or
    when the monitoring cannot be read (said in the summary)."""
    drills = [i for i in items if isinstance(i, DrillItem)]
    if (
        len(drills) < 2
        or config.getoption("pagerdrill_in_file_order")
        or config.getoption("pagerdrill_dry_run")
    ):
        return
    try:
        planned = order_drills([d.valid for d in drills], settings_of(config))
    except InfrastructureError as exc:
        config.stash[ORDER] = f"run order: the files' (not planned: {exc})"
        _say(config, config.stash[ORDER])
        return
    config.stash[ORDER] = planned.describe()
    _say(config, config.stash[ORDER])
    by_name = {d.drill.name: d for d in drills}
    if len(by_name) < len(drills):
        return  # two files, one name: the run refuses that elsewhere
    items[:] = [i for i in items if not isinstance(i, DrillItem)] + [
        by_name[name] for name in planned.names
    ]


def _say(config: pytest.Config, line: str) -> None:
    """A line on the terminal now, even while pytest captures output."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS] = []


def settings_of(config: pytest.Config) -> Settings:
    """Built once, on first use: a test-only session never needs a target file."""
    if SETTINGS not in config.stash:
        config.stash[SETTINGS] = load_settings(
            config.getoption("pagerdrill_target"),
            config.getoption("pagerdrill_output"),
            verbose=config.getoption("verbose") > 1,
        )
    return config.stash[SETTINGS]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DrillFile | None:
    if file_path.name.endswith(".drill.yaml"):
        drill_file: DrillFile = DrillFile.from_parent(parent, path=file_path)
        return drill_file
    return None


class DrillFile(pytest.File):
    def collect(self) -> Iterator[DrillItem]:
        try:
            settings = settings_of(self.config)
            drill, source = load_drill(self.path)
            if settings.target.platform.kind not in drill.platforms:
                return  # written for another platform: left out, as a profile does
            valid = validate_drill(drill, source, settings)
        except ConfigError as exc:
            raise self.CollectError(str(exc)) from exc
        profile = self.config.getoption("pagerdrill_profile")
        if profile is None or profile in valid.drill.profiles:
            yield DrillItem.from_parent(self, name=valid.drill.name, valid=valid)


class DrillFailed(Exception):
    def __init__(self, result: DrillResult) -> None:
        super().__init__(result.drill)
        self.result = result


class DrillItem(pytest.Item):
    def __init__(self, *, valid: ValidDrill, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.valid = valid
        self.drill = valid.drill

    def runtest(self) -> None:
        settings = settings_of(self.config)
        try:
            if self.config.getoption("pagerdrill_dry_run"):
                for line in plan_drill(self.valid, settings):
                    self._write(f"{self.drill.name}: {line}")
                return
            with (
                interrupt_on_sigterm(),
                _api_calls_shown(self._write if settings.verbose else None),
            ):
                result = run_drill(
                    self.valid,
                    settings,
                    self._progress,
                    fail_fast=self.config.getoption("pagerdrill_fail_fast"),
                )
        except (ConfigError, GuardRefused):
            self.user_properties.append(("verdict", Verdict.REFUSED.value))
            raise
        except HarnessError:  # a dry run that cannot reach the platform
            self.user_properties.append(("verdict", Verdict.ERROR.value))
            raise
        self.config.stash[RESULTS].append(result)
        self.user_properties.append(("verdict", result.verdict.value))
        for stage, seconds in {**result.mttd_s, **result.mttr_s}.items():
            self.user_properties.append((stage, f"{seconds:.3f}"))
        if result.verdict is not Verdict.PASSED:
            raise DrillFailed(result)

    def _progress(self, drill: str, phase: str) -> None:
        """A progress line per phase, so a person watching knows what the drill waits for."""
        self._write(f"{clock.iso(clock.now())}  {drill}: {phase}")

    def _write(self, line: str) -> None:
        _say(self.config, line)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, DrillFailed):
            result = excinfo.value.result
            lines = [f"drill {result.drill}: {result.verdict}"]
            if result.error:
                lines.append(f"  error: {result.error}")
            lines.extend(f"  FAILED {c.name}: {c.detail}" for c in result.failed_checks)
            return "\n".join(lines)
        if isinstance(excinfo.value, HarnessError):
            return f"{type(excinfo.value).__name__}: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"drill {self.name}"


class _LineHandler(logging.Handler):
    def __init__(self, write: Callable[[str], None]) -> None:
        super().__init__(logging.DEBUG)
        self.write = write

    def emit(self, record: logging.LogRecord) -> None:
        self.write(f"{clock.iso(record.created)}    api: {record.getMessage()}")


@contextmanager
def _api_calls_shown(write: Callable[[str], None] | None) -> Iterator[None]:
    """With `--verbose`, every call to the platform (method, host and path: never a
    query string or body, which may carry secrets) is shown as it is made."""
    if write is None:
        yield
        return
    logger = logging.getLogger("pagerdrill.api")
    handler, level = _LineHandler(write), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[STARTED_AT] = clock.now()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Runs before the terminal summary: publish, and fail the session on a failed gate."""
    config = session.config
    results = config.stash.get(RESULTS, [])
    if not results:
        return
    run, outputs = publish(
        results,
        settings_of(config),
        config.getoption("pagerdrill_profile"),
        config.stash.get(STARTED_AT, results[0].started_at),
    )
    config.stash[RUN] = (run, outputs)
    if not run.passed and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if RUN not in config.stash:
        return
    run, outputs = config.stash[RUN]
    terminalreporter.section("pagerdrill summary")
    if ORDER in config.stash:
        terminalreporter.write_line(config.stash[ORDER])
    terminalreporter.write_line(run_summary(run))
    terminalreporter.write_line(f"reports: {outputs.report}  {outputs.results}  {outputs.junit}")
