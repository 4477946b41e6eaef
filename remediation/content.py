"""What each audience is told (`expect.notifications.content`): every notification of
the expected alerts that a reader returns with its whole text (Slack, mail), checked
for the audience the contract gives its receiver, against the alert's live rule.

Every message: no `<no value>` (a template field that does not exist) and no raw
label dump (a Go map or a PromQL label set printed whole). A firing message to an
engineer (on-call, team, security): the rule's summary (its template fields match
anything) and its runbook link, which must answer 200 (no redirect: a wiki's login
page is not the runbook). To an executive: the rule's `impact` statement, and no
query (the rule's expression, a Prometheus graph link, a PromQL function call), also
once URL-decoded. A resolved message says "resolved"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx

from harness.closing import Closing
from harness.contract import Audience
from harness.results import Check
from remediation.drill_run import DrillScope
from remediation.monitoring import Monitoring
from remediation.outcome import PhaseOutcome
from remediation.receivers import Message

NO_VALUE = "<no value>"
_LABEL_DUMP = re.compile(r'map\[\w+:|\{\s*\w+=~?"[^"]*"(?:\s*,\s*\w+=~?"[^"]*")+\s*\}')
_PROMQL_CALL = re.compile(
    r"\b(?:rate|irate|increase|histogram_quantile|sum|avg|min|max|count)(?:_over_time)?"
    r"\s*(?:(?:by|without)\s*\([^)]*\)\s*)?\("
)
_GRAPH_LINK = "g0.expr="
RUNBOOK_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class RuleText:
    """What an alert's rule says its notifications carry."""

    name: str
    summary: str
    impact: str
    runbook: str
    query: str

    @classmethod
    def of(cls, rule: Mapping[str, Any]) -> RuleText:
        annotations = rule.get("annotations") or {}
        return cls(
            str(rule.get("name", "")),
            str(annotations.get("summary", "")),
            str(annotations.get("impact", "")),
            str(annotations.get("runbook") or annotations.get("runbook_url") or ""),
            str(rule.get("query", "")),
        )


def template_pattern(annotation: str, field: str = r".*?") -> re.Pattern[str]:
    """The annotation as rendered: its `{{ ... }}` fields match `field` (anything)."""
    parts = re.split(r"\{\{.*?\}\}", annotation.strip())
    return re.compile(field.join(re.escape(p) for p in parts), re.DOTALL)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def query_shown(text: str, query: str) -> str | None:
    """How the message shows a query, if it does (also URL-encoded)."""
    plain = unquote(text.replace("+", " "))
    linked = _GRAPH_LINK in text
    if query and _squeezed(query) in _squeezed(plain):
        return "the alert's expression" + (" (in a Prometheus graph link)" if linked else "")
    if linked:
        return "a Prometheus graph link (a query)"
    call = _PROMQL_CALL.search(plain)
    return f"a PromQL call `{call.group(0)}`" if call else None


@dataclass
class RunbookFetcher(Closing):
    """Fetches runbook links, through the target's mirrors (`runbooks`), once each."""

    mirrors: Mapping[str, str]
    _answers: dict[str, str | None] = field(default_factory=dict)
    _client: httpx.Client = field(
        default_factory=lambda: httpx.Client(timeout=RUNBOOK_TIMEOUT_S, follow_redirects=False)
    )

    def problem(self, url: str) -> str | None:
        """None when the runbook answers 200; else what it answered."""
        if url not in self._answers:
            self._answers[url] = self._fetch(url)
        return self._answers[url]

    def _fetch(self, url: str) -> str | None:
        fetched = next(
            (
                to + url[len(prefix) :]
                for prefix, to in self.mirrors.items()
                if url.startswith(prefix)
            ),
            url,
        )
        try:
            status = self._client.get(fetched).status_code
        except httpx.InvalidURL:
            return "is not a valid URL"
        except httpx.HTTPError as exc:
            return f"did not answer ({type(exc).__name__})"
        return None if status == 200 else f"answered {status}"

    def close(self) -> None:
        self._client.close()


def message_problems(
    message: Message, rule: RuleText, audience: Audience, runbooks: RunbookFetcher
) -> list[str]:
    """What is wrong with one message for its audience (nothing: fit)."""
    text, problems = message.text, []
    if NO_VALUE in text:
        problems.append(f"renders `{NO_VALUE}`")
    dump = _LABEL_DUMP.search(text)
    if dump:
        problems.append(f"prints raw labels `{dump.group(0)[:60]}`")
    if audience is Audience.EXECUTIVE:
        shown = query_shown(text, rule.query)
        if shown:
            problems.append(f"shows the executive {shown}")
    if message.status == "resolved":
        if "resolved" not in text.lower():
            problems.append("does not say it is resolved")
    elif audience is Audience.EXECUTIVE:
        problems += _impact_problems(text, rule)
    else:
        problems += _engineer_problems(text, rule, runbooks)
    return problems


def _impact_problems(text: str, rule: RuleText) -> list[str]:
    if not rule.impact:
        return [f"{rule.name} has no `impact` annotation to tell executives"]
    if not template_pattern(rule.impact).search(text):
        return ["carries no impact statement"]
    return []


def _engineer_problems(text: str, rule: RuleText, runbooks: RunbookFetcher) -> list[str]:
    problems = []
    if not rule.summary:
        problems.append(f"{rule.name} has no `summary` annotation")
    elif not template_pattern(rule.summary).search(text):
        problems.append("carries no summary")
    if not rule.runbook:
        return [*problems, f"{rule.name} has no `runbook` annotation"]
    pattern = template_pattern(rule.runbook, r"[^\s<>\"']+")
    links = list(dict.fromkeys(m.group(0) for m in pattern.finditer(text)))
    if not links:
        problems.append(f"carries no runbook link ({rule.runbook})")
    for link in links:
        answered = runbooks.problem(link)
        if answered:
            problems.append(f"runbook {link} {answered}")
    return problems


def content_check(
    receiver: str,
    audience: Audience,
    rule: RuleText,
    messages: list[Message],
    *,
    runbooks: RunbookFetcher,
    fault_at: float,
) -> Check:
    """One receiver's notifications of one alert, each fit for its audience."""
    name = f"{rule.name} notifications to {receiver} fit its audience ({audience})"
    if not messages:
        return Check(name, False, f"no notification of {rule.name} read back from {receiver}")
    found = []
    for message in messages:
        problems = message_problems(message, rule, audience, runbooks)
        if problems:
            when = f"{message.status} at +{message.at - fault_at:.1f} s"
            found.append(f"{when}: {'; '.join(problems)}")
    if found:
        return Check(name, False, " | ".join(found))
    statuses = ", ".join(sorted({m.status for m in messages}))
    return Check(name, True, f"{len(messages)} read ({statuses}), each fit")


def check_content(scope: DrillScope, monitoring: Monitoring, fault_at: float) -> PhaseOutcome:
    """Each expected alert's notifications since the fault, per receiver that has an
    audience in the contract and a reader that returns message texts."""
    contract = scope.settings.contract
    audiences = {} if contract is None else contract.audiences
    rules: dict[str, RuleText] = {}
    for live in monitoring.prometheus.alerting_rules():
        rules.setdefault(str(live.get("name")), RuleText.of(live))
    checks = []
    with RunbookFetcher(scope.settings.target.runbooks) as runbooks:
        for alert in scope.alerts:
            rule = rules.get(alert.name, RuleText(alert.name, "", "", "", ""))
            for receiver in alert.receivers:
                audience = audiences.get(receiver)
                messages = monitoring.readers.messages(receiver, [alert.name], fault_at)
                if audience is None or messages is None:
                    continue
                checks.append(
                    content_check(
                        receiver, audience, rule, messages, runbooks=runbooks, fault_at=fault_at
                    )
                )
    return PhaseOutcome(tuple(checks))
