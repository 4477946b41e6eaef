"""What each audience is told: the content checks on messages as Alertmanager's
templates render them (the sandbox's, and the ways they break)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.contract import Audience
from remediation.content import RuleText, RunbookFetcher, content_check, message_problems
from remediation.receivers import Message
from tests.sink_server import served_sink

RULE = RuleText(
    "IDPDown",
    "IDP {{ $labels.instance }} was down in the last 6 s",
    "Developers cannot reach the developer portal.",
    "https://runbooks.sandbox.test/idp-down",
    'max_over_time(up{job="idp"}[6s]) == 0',
)
ON_CALL = (
    "FIRING: P0 IDPDown\nIDP idp:8000 was down in the last 6 s\n"
    "Runbook: https://runbooks.sandbox.test/idp-down"
)
EXECUTIVE = "Incident in progress (P0): Developers cannot reach the developer portal."


@pytest.fixture(scope="module")
def runbooks() -> Iterator[RunbookFetcher]:
    """Runbook links fetched from the sink's runbook pages, as the sandbox target does."""
    with (
        served_sink() as sink,
        RunbookFetcher(
            {"https://runbooks.sandbox.test/": f"{str(sink.base_url).rstrip('/')}/runbooks/"}
        ) as fetcher,
    ):
        yield fetcher


def _problems(
    text: str, audience: Audience, runbooks: RunbookFetcher, status: str = "firing"
) -> list[str]:
    return message_problems(Message("r", "IDPDown", status, 0.0, text), RULE, audience, runbooks)


def test_the_sandbox_messages_fit_their_audiences(runbooks: RunbookFetcher) -> None:
    assert _problems(ON_CALL, Audience.ON_CALL, runbooks) == []
    assert _problems(EXECUTIVE, Audience.EXECUTIVE, runbooks) == []
    resolved = "[resolved] IDPDown\nResolved: the incident is over."
    assert _problems(resolved, Audience.EXECUTIVE, runbooks, "resolved") == []


def test_an_unrendered_field_and_a_label_dump_are_named(runbooks: RunbookFetcher) -> None:
    text = ON_CALL + "\nOwner: <no value>\nLabels: map[alertname:IDPDown instance:idp:8000]"
    problems = _problems(text, Audience.ON_CALL, runbooks)
    assert "renders `<no value>`" in problems
    assert any(p.startswith("prints raw labels `map[alertname:") for p in problems)
    promql_set = ON_CALL + '\n{alertname="IDPDown", instance="idp:8000"}'
    assert any("prints raw labels" in p for p in _problems(promql_set, Audience.TEAM, runbooks))


def test_an_engineer_needs_the_summary_and_a_runbook_that_answers(
    runbooks: RunbookFetcher,
) -> None:
    assert _problems("FIRING: P0 IDPDown", Audience.ON_CALL, runbooks) == [
        "carries no summary",
        "carries no runbook link (https://runbooks.sandbox.test/idp-down)",
    ]
    moved = RuleText(RULE.name, RULE.summary, RULE.impact,
                     "https://runbooks.sandbox.test/idp-outage", RULE.query)  # fmt: skip
    text = ON_CALL.replace("idp-down", "idp-outage")
    message = Message("r", "IDPDown", "firing", 0.0, text)
    assert message_problems(message, moved, Audience.ON_CALL, runbooks) == [
        "runbook https://runbooks.sandbox.test/idp-outage answered 404"
    ]


def test_an_executive_gets_the_impact_and_never_a_query(runbooks: RunbookFetcher) -> None:
    assert _problems("Incident in progress (P0)", Audience.EXECUTIVE, runbooks) == [
        "carries no impact statement"
    ]
    graph = (
        EXECUTIVE + "\nDetails: http://prometheus:9090/graph?g0.expr=max_over_time%28up%7B"
        "job%3D%22idp%22%7D%5B6s%5D%29+%3D%3D+0&g0.tab=1"
    )
    assert _problems(graph, Audience.EXECUTIVE, runbooks) == [
        "shows the executive the alert's expression (in a Prometheus graph link)"
    ]
    other = EXECUTIVE + "\nerror ratio: sum by (service) (rate(errors[5m]))"
    assert _problems(other, Audience.EXECUTIVE, runbooks) == [
        "shows the executive a PromQL call `sum by (service) (`"
    ]
    assert runbooks.problem("http://127.0.0.1:no-port/x") == "is not a valid URL"
    # an engineer may see the query: it is their troubleshooting detail
    assert _problems(ON_CALL + "\n" + RULE.query, Audience.ON_CALL, runbooks) == []


def test_a_resolved_message_says_so_and_a_rule_without_impact_is_named(
    runbooks: RunbookFetcher,
) -> None:
    assert _problems("[firing] IDPDown", Audience.TEAM, runbooks, "resolved") == [
        "does not say it is resolved"
    ]
    bare = RuleText("IDPDown", RULE.summary, "", RULE.runbook, RULE.query)
    message = Message("r", "IDPDown", "firing", 0.0, EXECUTIVE)
    assert message_problems(message, bare, Audience.EXECUTIVE, runbooks) == [
        "IDPDown has no `impact` annotation to tell executives"
    ]


def test_a_receiver_check_names_each_bad_message_and_when(runbooks: RunbookFetcher) -> None:
    messages = [
        Message("email-executive", "IDPDown", "firing", 12.5, EXECUTIVE + " <no value>"),
        Message("email-executive", "IDPDown", "resolved", 40.0, "[resolved] fine: resolved"),
    ]
    check = content_check(
        "email-executive", Audience.EXECUTIVE, RULE, messages, runbooks=runbooks, fault_at=10.0
    )
    assert not check.passed
    assert check.detail == "firing at +2.5 s: renders `<no value>`"
    nothing = content_check(
        "email-executive", Audience.EXECUTIVE, RULE, [], runbooks=runbooks, fault_at=10.0
    )
    assert nothing.detail == "no notification of IDPDown read back from email-executive"
