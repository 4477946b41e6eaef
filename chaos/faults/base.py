"""What every fault shares: the context it acts in, the journaled `with` block
that always reverts, and the revert actions `pagerdrill recover` replays."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import SecretStr

from chaos.app_hooks import AppHooks
from chaos.platform import Platform
from harness import clock
from harness.closing import Closing
from harness.errors import (
    FaultInjectionError,
    FaultRevertError,
    HarnessError,
    InfrastructureError,
)
from harness.events import EventKind
from harness.journal import FaultJournal, JournalEntry
from harness.load_specs import LoadSpec
from harness.settings import Settings
from harness.target import DataProbeConfig
from harness.timeline import Timeline

P = TypeVar("P", bound=Platform)


class RunningLoad(Protocol):
    """The drill's load while it runs (load/runner.py's LoadRunner), for traffic-surge."""

    def wait_for_users(self, users: int, timeout: float) -> float: ...


@dataclass
class FaultContext(Closing):
    platform: Platform
    journal: FaultJournal
    timeline: Timeline
    app: AppHooks | None = None
    app_url: str = ""
    """Where users reach the app (brute force signs in here)."""
    hooks_url: str = ""
    """Where its fault hooks answer."""
    load_spec: LoadSpec | None = None
    """The drill's load, if it has one (traffic-surge plans from its shape)."""
    load: RunningLoad | None = None
    """The drill's load once started (traffic-surge waits for its peak)."""
    credentials: tuple[str, SecretStr] | None = None
    """The target's drill user (a brute force that guesses right signs in as it)."""
    database: tuple[DataProbeConfig, SecretStr | None] | None = None
    """The target's database connection and its password (database-lock)."""

    def able(self, capability: type[P]) -> P:
        """The platform as the capability a fault needs; drills are checked against
        the platform's capabilities before anything is touched, so a refusal here is
        a fault used outside a drill (`pagerdrill recover` replaying an old journal)."""
        if not isinstance(self.platform, capability):
            raise FaultInjectionError(
                f"the {self.platform.name} platform cannot do this ({capability.__name__})"
            )
        return self.platform

    def app_hooks(self) -> AppHooks:
        if self.app is None:
            raise InfrastructureError("the target names no app.admin_token for the app's hooks")
        return self.app

    def database_connection(self) -> tuple[DataProbeConfig, SecretStr | None]:
        if self.database is None:
            raise InfrastructureError("the target names no data_probe database connection")
        return self.database

    def close(self) -> None:
        if self.app is not None:
            self.app.close()


def fault_context(
    settings: Settings, platform: Platform, timeline: Timeline, load_spec: LoadSpec | None = None
) -> FaultContext:
    """Everything faults need for the target of `settings` (close it after use)."""
    base_url = settings.target.app.base_url
    hooks_url = settings.target.app.hooks_url
    app = None if settings.admin_token is None else AppHooks(hooks_url, settings.admin_token)
    journal = FaultJournal(settings.journal_path)
    credentials = (settings.target.app.credentials.username, settings.password)
    probe = settings.target.data_probe
    database = None if probe is None else (probe, settings.data_probe_password)
    return FaultContext(
        platform,
        journal,
        timeline,
        app,
        base_url,
        hooks_url,
        load_spec,
        credentials=credentials,
        database=database,
    )


Revert = Callable[[FaultContext, dict[str, Any]], None]
REVERTS: dict[str, Revert] = {}


def revert_action(name: str) -> Callable[[Revert], Revert]:
    """Register how to undo a fault, by the name its journal entry records."""

    def register(function: Revert) -> Revert:
        REVERTS[name] = function
        return function

    return register


def revert(ctx: FaultContext, entry: JournalEntry) -> None:
    """Undo one journaled fault; idempotent."""
    action = entry.revert.get("action")
    if action not in REVERTS:
        raise FaultRevertError(f"fault {entry.fault_id}: unknown revert action {action!r}")
    try:
        REVERTS[str(action)](ctx, entry.revert)
    except HarnessError as exc:
        raise FaultRevertError(f"fault {entry.fault_id} ({entry.kind}): {exc}") from exc


@revert_action("none")
def _nothing(ctx: FaultContext, params: dict[str, Any]) -> None:
    """For faults the platform heals by itself (a cache refills, a block expires)."""


@contextmanager
def journaled(
    ctx: FaultContext, kind: str, target: dict[str, str], undo: dict[str, Any]
) -> Iterator[JournalEntry]:
    """The body acts; leaving it, however, reverts. The journal holds the fault from
    before it acts until after it is reverted::

        with journaled(ctx, "pause", {"workload": w}, {"action": "unpause", "workload": w}):
            injected(ctx, "pause", ctx.platform.pause(w), workload=w)
            yield
    """
    entry = ctx.journal.opened(kind, target, undo)
    try:
        yield entry
    finally:
        revert(ctx, entry)
        ctx.journal.closed(entry)
        ctx.timeline.record(EventKind.FAULT_REVERTED, clock.now(), fault=kind, **target)


def injected(ctx: FaultContext, kind: str, at: float, **detail: object) -> float:
    ctx.timeline.record(EventKind.FAULT_INJECTED, at=at, fault=kind, **detail)
    return at


class _Holder(threading.Thread):
    """Runs a fault's `with` block in its own thread: injects, holds it until released
    or `hold_s` passed, then leaves the block (the revert). Not a daemon: an
    interpreter that is exiting still waits for the revert."""

    def __init__(self, fault: AbstractContextManager[float], hold_s: float) -> None:
        super().__init__(name="fault-holder")
        self.fault = fault
        self.hold_s = hold_s
        self.injected_at: float | None = None
        self.error: BaseException | None = None
        self.in_place = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        try:
            with self.fault as at:
                self.injected_at = at
                self.in_place.set()
                self.release.wait(self.hold_s)
        except BaseException as exc:  # handed to the drill's thread, which raises it
            self.error = exc
        finally:
            self.in_place.set()


@contextmanager
def held_for(fault: AbstractContextManager[float], hold_s: float) -> Iterator[float]:
    """A fault that stays in place `hold_s` after injection, whatever the block is
    doing: reverted then (in its own thread) while the block may still be waiting,
    or, when the block ends first, at the hold's end. A block that raises (an error,
    Ctrl-C, a timeout) reverts at once. Yields the injection time::

        with held_for(inject(spec, ctx), 20) as injected_at:
            ...observe the platform; the fault is reverted 20 s after injection...
    """
    holder = _Holder(fault, hold_s)
    holder.start()
    try:  # an interrupt while injecting still releases (and so reverts) at once
        holder.in_place.wait()
        if holder.error is not None:
            raise holder.error
        assert holder.injected_at is not None
        yield holder.injected_at
    except BaseException:
        holder.release.set()
        raise
    finally:
        try:
            holder.join()  # the rest of the hold, when the block ended first
        except BaseException:  # Ctrl-C while the hold runs out: revert now
            holder.release.set()
            holder.join()
            raise
    if holder.error is not None:  # the revert failed
        raise holder.error
