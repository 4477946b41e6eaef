"""Running one of a pack's journeys: its steps in order, each timed, the first
failing step ending the attempt (`JourneyResult` carries it; nothing raises)."""

from __future__ import annotations

import secrets
import time

from playwright.sync_api import BrowserContext

from harness.journey_pack import JourneyPack, Step
from journeys.actions import ActionRunner
from journeys.result import JourneyResult, StepRecorder, run_steps
from journeys.target import JourneyTarget


def fresh_name(prefix: str) -> str:
    """A fresh, sortable name for what an attempt creates: prefix + time + random."""
    return f"{prefix}{int(time.time() * 1000):x}-{secrets.token_hex(2)}"


def attempt_values(target: JourneyTarget) -> dict[str, str]:
    """What `{placeholders}` stand for in one attempt (holds secrets: never log it)."""
    return {
        **target.pack.values,
        **{name: secret.get_secret_value() for name, secret in target.secrets.items()},
        "username": target.username,
        "password": target.password.get_secret_value(),
        "name": fresh_name(target.pack.name_prefix),
    }


def run_journey(name: str, context: BrowserContext, target: JourneyTarget) -> JourneyResult:
    """One attempt of the pack's journey `name` in `context`::

    result = run_journey("login", browser.new_context(), target)
    if not result.ok:
        print(result.failed_step)
    """
    tab = context.new_page()  # the browser's preparation, not the journey's time
    runner = ActionRunner(tab, target.base_url, attempt_values(target))
    recorder = StepRecorder(name)
    with run_steps(recorder):
        for step in target.pack.journeys[name].steps:
            with recorder.step(step.name):
                _run_step(runner, target.pack, step)
    return recorder.result()


def _run_step(runner: ActionRunner, pack: JourneyPack, step: Step) -> None:
    for action in step.do:
        if action.journey is not None:  # its steps, each with its own timeout
            for included in pack.journeys[action.journey].steps:
                _run_step(runner, pack, included)
        else:
            runner.timeout_s = pack.timeout_s(step)
            runner.run(action)
