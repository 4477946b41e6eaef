"""Faults are reverted on SIGTERM, and `pagerdrill recover` reverts what a SIGKILLed
harness left. The app's restart policy is switched off for these tests, so that
only pagerdrill's revert can bring it back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docker
import pytest

from chaos.docker_platform import DockerPlatform
from harness.journal import FaultJournal
from harness.polling import wait_until
from harness.settings import Settings
from tests.conftest import REPO, SANDBOX_TARGET, pagerdrill_cli

pytestmark = pytest.mark.integration

CRASH_DRILL = "name: held-crash\nfault: {kind: crash-process, workload: idp}\nexpect: {}\n"


@pytest.fixture
def no_restart_policy(sandbox: Any, settings: Settings) -> Iterator[DockerPlatform]:
    client = docker.from_env()
    container = client.containers.get("pagerdrill-sandbox-idp")
    container.update(restart_policy={"Name": "no"})
    with DockerPlatform(settings.target.platform) as platform:
        yield platform
        container.update(restart_policy={"Name": "on-failure"})
        platform.ensure_running("idp")
    client.close()


@contextmanager
def _harness_in_a_fault(state_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """A harness process that injected the crash and now sits in the fault's `with`."""
    env = {
        **os.environ,
        "PAGERDRILL_STATE_DIR": str(state_dir),
        "PAGERDRILL_TARGET": str(SANDBOX_TARGET),
    }
    drill = state_dir / "held-crash.drill.yaml"
    drill.parent.mkdir(parents=True, exist_ok=True)
    drill.write_text(CRASH_DRILL)
    with subprocess.Popen(
        [sys.executable, "-m", "pagerdrill", "fault", str(drill), "--hold", "120s"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        assert process.stdout is not None
        lines = iter(process.stdout.readline, "")
        assert any(line.startswith("injected at") for line in lines), "not injected"
        yield process


def _stopped(platform: DockerPlatform) -> bool:
    return not platform.is_running("idp")


def test_sigterm_reverts_the_fault(no_restart_policy: DockerPlatform, tmp_path: Path) -> None:
    platform = no_restart_policy
    with _harness_in_a_fault(tmp_path) as process:
        wait_until(lambda: _stopped(platform), 10, expected="idp crashed", where="Docker")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert platform.is_running("idp")
    assert FaultJournal(tmp_path / "fault-journal.jsonl").open_entries() == []


def test_recover_after_the_harness_was_killed(
    no_restart_policy: DockerPlatform, tmp_path: Path
) -> None:
    platform = no_restart_policy
    with _harness_in_a_fault(tmp_path) as process:
        wait_until(lambda: _stopped(platform), 10, expected="idp crashed", where="Docker")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    journal = FaultJournal(tmp_path / "fault-journal.jsonl")
    assert [e.kind for e in journal.open_entries()] == ["crash-process"]
    assert not platform.is_running("idp")

    first = pagerdrill_cli("recover", "--target", str(SANDBOX_TARGET), state_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "recover: 1 open faults reverted" in first.stdout
    again = pagerdrill_cli("recover", "--target", str(SANDBOX_TARGET), state_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "recover: 0 open faults reverted" in again.stdout  # idempotent
    assert platform.is_running("idp")
    assert journal.open_entries() == []
