"""Journey packs, windows around a fault, journey SLIs and the Grafana dashboard."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.events import EventKind
from harness.journey_pack import REFERENCE_PACK, load_pack
from harness.settings import Settings, load_settings
from harness.timeline import Event
from journeys.journey import attempt_values
from journeys.result import JourneyResult, StepResult
from journeys.sli import JourneySlis
from journeys.target import JourneyTarget
from remediation.journey_windows import back_at, journey_windows

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "dashboards" / "pagerdrill-journeys.json"


def test_reference_pack_loads_its_three_journeys() -> None:
    pack = load_pack()
    assert list(pack.journeys) == ["login", "template-creation", "service-deployment"]
    assert pack.journeys["login"].steps[0].do[0].goto == "/login"
    assert pack.step_timeout == 5.0
    follow = pack.journeys["service-deployment"].steps[3]
    assert (follow.name, pack.timeout_s(follow)) == ("follow deployment to its outcome", 30.0)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (
            "- goto: /login",
            "- goto: login",
            "journeys.login.steps[0].do[0].goto",
            "should match pattern",
        ),
        (
            "timeout: 30s",
            "timeout: forever",
            "journeys.service-deployment.steps[3].timeout",
            "not a duration",
        ),
        (
            'contains: "{username}"',
            'contains: "{user}"',
            "journeys.login.steps[2].do[0].see.contains",
            "unknown placeholder {user}",
        ),
        (
            'contains: "{username}"',
            'contains: "{password}"',
            "journeys.login.steps[2].do[0].see.contains",
            "{password} is a secret: it may only be a text to fill",
        ),
        (
            "do: [journey: login]",
            "do: [journey: logon]",
            "journeys.template-creation.steps[0].do[0].journey",
            "unknown journey 'logon'",
        ),
        (
            "- goto: /login",
            "- {goto: /login, click: a}",
            "journeys.login.steps[0].do[0]",
            "exactly one of",
        ),
        (
            "- goto: /login",
            "- url: /login(",
            "journeys.login.steps[0].do[0].url",
            "not a regular expression",
        ),
        (
            "  template: python-service",
            "  username: python-service",
            "values.username",
            "cannot be a name of values",
        ),
    ],
)
def test_bad_pack_names_file_line_and_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    text = REFERENCE_PACK.read_text()
    assert old in text
    bad_text = text.replace(old, new, 1)
    bad = tmp_path / "pack.yaml"
    bad.write_text(bad_text)
    with pytest.raises(ConfigError) as error:
        load_pack(bad)
    assert error.value.path == bad
    assert error.value.field == field
    assert problem in error.value.problem
    assert error.value.line == _line_of(bad_text, new.strip())


def test_journeys_that_include_each_other_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "pack.yaml"
    bad.write_text(
        "name: loop\njourneys:\n"
        "  a:\n    steps: [{name: one, do: [journey: b]}]\n"
        "  b:\n    steps: [{name: two, do: [journey: a]}]\n"
    )
    with pytest.raises(ConfigError, match="include each other: a -> b -> a"):
        load_pack(bad)


def _attempt(at: float, ok: bool, duration: float = 1.0) -> Event:
    steps = {"open login page": duration / 2, "see dashboard": duration / 2}
    failed = None if ok else "see dashboard"
    return Event(
        at,
        EventKind.JOURNEY_ATTEMPT,
        {
            "journey": "login",
            "ok": ok,
            "duration_s": duration,
            "failed_step": failed,
            "steps": steps,
        },
    )


def test_journey_is_back_at_the_end_of_the_first_of_k_consecutive_successes() -> None:
    oks = [True, False, True, False, True, True, True, True]
    attempts = [_attempt(float(i), ok, duration=0.8) for i, ok in enumerate(oks)]
    assert back_at(attempts, fault_at=1.0, consecutive=3) == 4.8
    assert back_at(attempts, fault_at=1.0, consecutive=1) == 2.8
    assert back_at(attempts, fault_at=1.0, consecutive=4) == 4.8
    assert back_at(attempts, fault_at=1.0, consecutive=5) is None


def test_windows_split_attempts_before_during_and_after_the_fault() -> None:
    events = [
        _attempt(0.0, True, 1.0),
        _attempt(1.0, True, 0.5),
        _attempt(1.5, False, 5.0),  # in flight when the fault hit at 2.0
        _attempt(2.0, False, 5.0),
        _attempt(3.0, True, 2.0),
        _attempt(4.0, False, 5.0),
        _attempt(5.0, True, 1.0),  # back: first of 2 successes
        _attempt(6.0, True, 1.0),
        Event(2.0, EventKind.FAULT_INJECTED, {}),
    ]
    windows = journey_windows(events, fault_at=2.0, consecutive={"login": 2})["login"]
    assert (windows["before"].attempts, windows["before"].success_ratio) == (2, 1.0)
    assert (windows["during"].attempts, windows["during"].successes) == (4, 1)
    assert windows["during"].p50_s == 2.0  # latency of successful attempts only
    assert (windows["after"].attempts, windows["after"].success_ratio) == (2, 1.0)
    assert windows["before"].p50_s == 0.75
    assert windows["before"].p95_s == pytest.approx(0.975)
    assert windows["during"].spans[0] == (-0.5, 4.5, False)  # start and end, from the fault
    assert windows["after"].as_json()["spans"] == [
        {"start_s": 3.0, "end_s": 4.0, "ok": True},
        {"start_s": 4.0, "end_s": 5.0, "ok": True},
    ]


def test_never_back_means_everything_after_the_fault_is_during() -> None:
    events = [_attempt(0.0, True), _attempt(2.0, False), _attempt(3.0, False)]
    windows = journey_windows(events, fault_at=1.5)["login"]
    assert windows["during"].attempts == 2
    assert windows["during"].success_ratio == 0.0
    assert windows["during"].p95_s is None
    assert windows["after"].attempts == 0
    assert windows["after"].success_ratio is None


def _sample(slis: JourneySlis, name: str, labels: dict[str, str] | None = None) -> float | None:
    return slis.registry("login").get_sample_value(name, labels or {})


def test_journey_slis_accumulate_the_timeline_attempts() -> None:
    slis = JourneySlis("sandbox", "run-1")
    slis.observe_events(
        [_attempt(10.0, True, 0.4), _attempt(11.0, False, 5.0), _attempt(12.0, True, 0.6)]
    )
    assert _sample(slis, "pagerdrill_journey_attempts_total", {"outcome": "success"}) == 2
    assert _sample(slis, "pagerdrill_journey_attempts_total", {"outcome": "failure"}) == 1
    assert _sample(slis, "pagerdrill_journey_success") == 1
    assert _sample(slis, "pagerdrill_journey_duration_seconds_count") == 2
    assert _sample(slis, "pagerdrill_journey_duration_seconds_sum") == pytest.approx(1.0)
    assert _sample(slis, "pagerdrill_journey_last_success_timestamp_seconds") == 12.0
    assert _sample(slis, "pagerdrill_journey_step_failures_total", {"step": "see dashboard"}) == 1
    assert (
        _sample(slis, "pagerdrill_journey_step_duration_seconds", {"step": "see dashboard"}) == 0.3
    )


def _exported_names() -> set[str]:
    slis = JourneySlis("sandbox", "run-1")
    slis.observe(JourneyResult("login", 1.0, 1.0, (StepResult("a", True, 1.0),)))
    slis.observe(JourneyResult("login", 2.0, 1.0, (StepResult("a", False, 1.0, "boom"),)))
    return {s.name for family in slis.registry("login").collect() for s in family.samples}


def dashboard_queries() -> list[str]:
    """Every PromQL expression of the dashboard: panel targets and template variables."""
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    exprs += [v["definition"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    return exprs


def test_dashboard_refers_only_to_exported_metrics() -> None:
    exported = _exported_names()
    for expr in dashboard_queries():
        referenced = set(re.findall(r"\bpagerdrill_[a-z_]+", expr))
        assert referenced, f"no pagerdrill metric in {expr}"
        assert referenced <= exported, f"{expr} refers to {referenced - exported}"


SECRET_PACK = """name: with-a-token
secrets:
  token: {env: HUB_API_TOKEN}
journeys:
  api-console:
    steps:
      - name: paste the token
        do:
          - goto: /console
          - fill: {"#token": "{token}"}
"""


def _settings_with_pack(tmp_path: Path, pack_text: str, env: dict[str, str]) -> Settings:
    (tmp_path / "pack.yaml").write_text(pack_text)
    target = (REPO / "targets" / "sandbox-without-sink.yaml").read_text()
    (tmp_path / "target.yaml").write_text(
        target.replace("app:\n", "app:\n  journey_pack: pack.yaml\n", 1)
    )
    return load_settings(tmp_path / "target.yaml", environ=env)


def test_a_packs_secret_comes_by_reference_and_is_never_shown(tmp_path: Path) -> None:
    settings = _settings_with_pack(tmp_path, SECRET_PACK, {"HUB_API_TOKEN": "tok-93f1"})
    assert settings.journey_secrets["token"].get_secret_value() == "tok-93f1"
    target = JourneyTarget.from_settings(settings)
    assert attempt_values(target)["token"] == "tok-93f1"
    assert "tok-93f1" not in repr(settings) + repr(target)


def test_a_missing_secret_names_the_pack_line_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        _settings_with_pack(tmp_path, SECRET_PACK, {})
    assert (raised.value.path, raised.value.field, raised.value.line) == (
        tmp_path / "pack.yaml",
        "secrets.token",
        3,
    )
    assert "HUB_API_TOKEN" in raised.value.problem


def test_a_secret_may_only_be_filled_in(tmp_path: Path) -> None:
    shown = SECRET_PACK.replace('- fill: {"#token": "{token}"}', '- see: "#user-{token}"')
    with pytest.raises(ConfigError, match=r"\{token\} is a secret"):
        _settings_with_pack(tmp_path, shown, {"HUB_API_TOKEN": "tok-93f1"})
