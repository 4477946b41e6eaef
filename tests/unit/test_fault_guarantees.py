"""The fault catalogue's guarantees, on the in-memory platform: every fault reverts
on success, exception and Ctrl-C; a revert that fails leaves the journal open for
`recover`; guards and plans touch nothing. (On Docker: tests/integration.)"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from chaos.faults import CATALOGUE, inject, plan, recover
from chaos.faults.base import FaultContext
from harness.errors import FaultRevertError, GuardRefused
from harness.fault_specs import FaultSpec
from harness.journal import FaultJournal
from harness.timeline import Timeline
from tests import compliance
from tests.fake_platform import FakePlatform, FakeWorkload

PLATFORM_FAULTS = {
    "crash-process": {"workload": "app"},
    "kill": {"workload": "app"},
    "stop": {"workload": "app"},
    "pause": {"workload": "app"},
    "signal-process": {"workload": "app", "pattern": "^app", "signal": "STOP"},
    "network-partition": {"workload": "app"},
    "network-latency": {"workload": "app", "delay": "200ms"},
    "network-loss": {"workload": "app", "percent": 30},
    "cpu-stress": {"workload": "app"},
    "memory-stress": {"workload": "app", "megabytes": 64},
    "kill-database-primary": {},
    "scale": {"workload": "app", "replicas": 5},
    "evict": {"workload": "app"},
    "drain-node": {"workload": "app"},
}


def _spec(kind: str, **fields: Any) -> FaultSpec:
    spec: FaultSpec = TypeAdapter(FaultSpec).validate_python({"kind": kind, **fields})
    return spec


def _ctx(tmp_path: Path, platform: FakePlatform) -> FaultContext:
    return FaultContext(platform, FaultJournal(tmp_path / "journal.jsonl"), Timeline())


def _at_steady_state(platform: FakePlatform) -> None:
    for name, w in platform.workloads.items():
        assert w.running, name
        assert not w.paused, name
        assert w.networks == {"net": ["alias"]}, name
        assert w.network_faults == [], name
        assert w.stress == {}, name
        assert all(state != "T" for state, _ in w.processes.values()), name
        assert w.replicas == 2, name
    assert platform.cordoned == set()


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform(app=FakeWorkload(), db=FakeWorkload(), etcd=FakeWorkload(drillable=False))


def test_the_catalogue_knows_every_fault_kind_of_the_drill_model() -> None:
    kinds = {
        typing.get_args(member.model_fields["kind"].annotation)[0]
        for member in typing.get_args(typing.get_args(FaultSpec)[0])
    }
    assert kinds == set(CATALOGUE)


@pytest.mark.parametrize("check", compliance.CHECKS.values(), ids=compliance.CHECKS.keys())
def test_fake_platform_passes_the_adapter_compliance_checks(
    check: Any, platform: FakePlatform
) -> None:
    check(platform, "app")
    compliance.refuses_undrillable(platform, "etcd")


@pytest.mark.parametrize("kind", PLATFORM_FAULTS)
def test_fault_acts_then_reverts_and_closes_its_journal_entry(
    kind: str, platform: FakePlatform, tmp_path: Path
) -> None:
    ctx = _ctx(tmp_path, platform)
    with inject(_spec(kind, **PLATFORM_FAULTS[kind]), ctx) as injected_at:
        assert injected_at > 0
        assert len(ctx.journal.open_entries()) == 1
        assert platform.calls, "the fault did nothing"
    _at_steady_state(platform)
    assert ctx.journal.open_entries() == []
    kinds = [e.kind for e in ctx.timeline.events]
    assert kinds == ["fault.injected", "fault.reverted"]


@pytest.mark.parametrize("interruption", [RuntimeError("drill failed"), KeyboardInterrupt()])
@pytest.mark.parametrize("kind", ["pause", "network-partition", "cpu-stress", "kill"])
def test_fault_reverts_when_the_drill_raises_or_is_interrupted(
    kind: str, interruption: BaseException, platform: FakePlatform, tmp_path: Path
) -> None:
    ctx = _ctx(tmp_path, platform)
    with pytest.raises(type(interruption)), inject(_spec(kind, workload="app"), ctx):
        raise interruption
    _at_steady_state(platform)
    assert ctx.journal.open_entries() == []


def test_failed_revert_stays_in_the_journal_until_recover(
    platform: FakePlatform, tmp_path: Path
) -> None:
    ctx = _ctx(tmp_path, platform)
    with (
        pytest.raises(FaultRevertError, match="pause"),
        inject(_spec("pause", workload="app"), ctx),
    ):
        platform.fail_reverts = True
    assert [e.kind for e in ctx.journal.open_entries()] == ["pause"]
    assert platform.workloads["app"].paused

    platform.fail_reverts = False
    assert [e.kind for e in recover(ctx)] == ["pause"]
    assert recover(ctx) == []  # idempotent
    _at_steady_state(platform)


def test_guard_refuses_before_anything_is_touched(platform: FakePlatform, tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, platform)
    with pytest.raises(GuardRefused), inject(_spec("kill", workload="etcd"), ctx):
        pytest.fail("the fault ran on an undrillable workload")
    assert platform.calls == []
    assert not (tmp_path / "journal.jsonl").exists()


@pytest.mark.parametrize("kind", PLATFORM_FAULTS)
def test_plan_names_target_and_revert_and_touches_nothing(
    kind: str, platform: FakePlatform, tmp_path: Path
) -> None:
    steps = plan(_spec(kind, **PLATFORM_FAULTS[kind]), _ctx(tmp_path, platform))
    assert "fake-app" in steps[0]
    assert steps[-1].startswith("revert: ")
    assert platform.calls == []
    assert not (tmp_path / "journal.jsonl").exists()


def _compound(*steps: tuple[float, dict[str, Any]]) -> FaultSpec:
    return _spec("compound", steps=[{"after": a, "fault": f} for a, f in steps])


def test_a_compound_injects_each_step_after_its_delay_and_reverts_the_last_first(
    platform: FakePlatform, tmp_path: Path
) -> None:
    ctx = _ctx(tmp_path, platform)
    spec = _compound(
        (0, {"kind": "pause", "workload": "app"}), (0.3, {"kind": "kill", "workload": "db"})
    )
    with inject(spec, ctx) as injected_at:
        assert len(ctx.journal.open_entries()) == 2
    injected = [e.at for e in ctx.timeline.events if e.kind == "fault.injected"]
    assert injected[0] == injected_at  # deadlines count from the first fault
    assert 0.29 <= injected[1] - injected[0] < 0.5  # event times are to the millisecond
    assert platform.calls == ["pause app", "kill db", "ensure-running db", "unpause app"]
    assert ctx.journal.open_entries() == []
    _at_steady_state(platform)


def test_a_compound_step_that_is_refused_reverts_the_steps_before_it(
    platform: FakePlatform, tmp_path: Path
) -> None:
    ctx = _ctx(tmp_path, platform)
    spec = _compound(
        (0, {"kind": "pause", "workload": "app"}), (0, {"kind": "kill", "workload": "etcd"})
    )
    with pytest.raises(GuardRefused), inject(spec, ctx):
        pytest.fail("the second step was refused: the block must not run")
    assert platform.calls == ["pause app", "unpause app"]
    _at_steady_state(platform)


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        (
            [(1, {"kind": "kill", "workload": "app"}), (2, {"kind": "pause", "workload": "db"})],
            "after: 0",
        ),
        (
            [(0, {"kind": "kill", "workload": "app"}), (0, {"kind": "traffic-surge"})],
            "traffic surge",
        ),
        ([(0, {"kind": "kill", "workload": "app"})], "at least 2"),
    ],
)
def test_a_compound_must_start_at_zero_have_two_steps_and_no_surge(
    steps: list[tuple[float, dict[str, Any]]], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        _compound(*steps)
