"""The one error tree of pagerdrill.

    HarnessError                  anything pagerdrill reports as its own failure
     ├── ConfigError              a config, target or drill file is invalid (file, line, field)
     ├── GuardRefused             a fault would touch something outside the allowlist
     ├── InfrastructureError      the platform or the harness's own tools cannot be reached/used
     │    └── WaitTimeout         a wait ran out: expected, last seen, where, hint
     ├── FaultError
     │    ├── FaultInjectionError the fault could not be injected
     │    └── FaultRevertError    the fault could not be reverted (run `pagerdrill recover`)
     └── ExpectationFailed        the platform did not do what the drill expected

CLI exit codes map onto it: 1 expectation failed, 2 config error (also guards),
3 infrastructure or fault error.
"""

from __future__ import annotations

from pathlib import Path


class HarnessError(Exception):
    """Base of every error pagerdrill raises on purpose."""


class ConfigError(HarnessError):
    """A file failed validation. Nothing has been touched when this is raised."""

    def __init__(self, path: Path | str, line: int | None, field: str, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")


class GuardRefused(HarnessError):
    """A target is outside what the config allows a fault to touch."""


class InfrastructureError(HarnessError):
    """Something pagerdrill needs is unreachable or unusable (not a verdict on the platform)."""


class WaitTimeout(InfrastructureError):
    """A wait with a deadline ran out."""

    def __init__(self, expected: str, last_seen: object, where: str, hint: str, timeout_s: float):
        self.expected = expected
        self.last_seen = last_seen
        self.where = where
        self.hint = hint
        self.timeout_s = timeout_s
        super().__init__(
            f"waited {timeout_s:.1f} s for {expected} at {where}; last saw: {last_seen!r}. "
            f"Hint: {hint}"
        )


class FaultError(HarnessError):
    """Base of fault injection and revert failures."""


class FaultInjectionError(FaultError):
    """The fault could not be injected; whatever was done has been reverted."""


class FaultRevertError(FaultError):
    """The fault could not be reverted; the journal keeps it for `pagerdrill recover`."""


class ExpectationFailed(HarnessError):
    """The platform did not meet one or more expectations of a drill."""
