"""The catalogue's drills for rules nothing proved before (#18), on the healthy
sandbox: each passes, with the evidence that makes it a proof (the P0 to all five
P0 receivers, the inhibited symptom named with its inhibitor, the P1 and P2 of one
fault each to exactly their receivers, the table lock, the connection leak, the
cache outage, and two faults at once). Their broken variants: test_broken_variants.py
(catastrophic-at-p1, inhibition-inverted, cpu-threshold-unreachable)."""

from __future__ import annotations

import pytest

from harness.results import AlertRole
from harness.settings import Settings
from tests.conftest import run_passing_drill

pytestmark = [pytest.mark.integration, pytest.mark.browser]

# the P0 receivers read back (the incident automation's webhook has no reader: it is
# routed, and its effects are drilled by p0-war-room)
P0_RECEIVERS = (
    "email-executive",
    "email-oncall",
    "pagerduty-critical",
    "slack-critical",
    "sms-oncall",
)
P1_RECEIVERS = ("email-oncall", "pagerduty-high", "slack-high")


def test_catastrophic_errors_page_p0_and_the_error_rate_symptom_is_inhibited(
    settings: Settings,
) -> None:
    result = run_passing_drill("catastrophic-errors", settings)
    seen = {a.name: a for a in result.alerts}
    assert seen["IDPCatastrophicErrorRate"].notified == P0_RECEIVERS
    symptom = seen["IDPHighErrorRate"]
    assert symptom.role is AlertRole.INHIBITED
    assert symptom.inhibited_by == ("IDPCatastrophicErrorRate",)
    assert symptom.notified == ()
    checks = {c.name: c for c in result.checks}
    assert checks["inhibition held back IDPHighErrorRate"].detail == (
        "IDPHighErrorRate by IDPCatastrophicErrorRate; no receiver reached"
    )


def test_very_slow_responses_page_p1_and_tell_the_team_at_p2(settings: Settings) -> None:
    result = run_passing_drill("very-slow-responses", settings)
    seen = {a.name: a for a in result.alerts}
    assert seen["IDPVerySlowResponses"].notified == P1_RECEIVERS
    assert seen["IDPSlowResponses"].notified == ("email-team", "slack-low")


def test_a_guessed_password_pages_p0(settings: Settings) -> None:
    result = run_passing_drill("suspicious-sign-in", settings)
    seen = {a.name: a for a in result.alerts}
    assert seen["IDPSuspiciousSignIn"].notified == P0_RECEIVERS
    assert "IDPBruteForceBlocked" not in seen  # one failure short of a block


def test_an_api_attack_tells_security_of_each_pattern(settings: Settings) -> None:
    result = run_passing_drill("api-attack", settings)
    seen = {a.name: a for a in result.alerts}
    for name in ("IDPAccessViolations", "IDPPrivilegeEscalationAttempt", "IDPApiAbuse"):
        assert seen[name].notified == ("pagerduty-security", "slack-security"), seen[name]
    reverted = next(e for e in result.events if e.kind == "fault.reverted")
    answers = str(reverted.as_json()["answers"])
    assert "GET /api/templates: 401" in answers
    assert "GET /admin/faults: 403" in answers
    assert "POST /api/login: 429" in answers


def test_a_cpu_burning_app_pages_p1_and_tells_the_team_at_p2(settings: Settings) -> None:
    result = run_passing_drill("cpu-exhaustion", settings)
    seen = {a.name: a for a in result.alerts}
    assert seen["IDPResourceExhaustion"].notified == P1_RECEIVERS
    assert seen["IDPHighResourceUse"].notified == ("email-team", "slack-low")


P2_RECEIVERS = ("email-team", "slack-low")


def test_a_table_lock_stalling_sign_in_pages_p1_once_the_sign_ins_end(
    settings: Settings,
) -> None:
    result = run_passing_drill("sign-in-lock", settings)
    seen = {a.name: a for a in result.alerts}
    assert seen["IDPAuthenticationSlow"].notified == P1_RECEIVERS
    assert seen["IDPDatabaseSlow"].notified == P1_RECEIVERS
    injected = next(e for e in result.events if e.kind == "fault.injected")
    assert injected.as_json()["table"] == "users"
    reverted = next(e for e in result.events if e.kind == "fault.reverted")
    assert 15 <= reverted.at - injected.at < 17  # the hold, not the drill's waits


def test_a_connection_leak_tells_the_team_before_the_pool_runs_dry(settings: Settings) -> None:
    result = run_passing_drill("connection-leak", settings)
    seen = {a.name: a for a in result.alerts}
    assert seen["IDPDatabasePoolNearCapacity"].notified == P2_RECEIVERS


def test_the_cache_gone_tells_the_team_and_the_catalog_is_still_served(
    settings: Settings,
) -> None:
    result = run_passing_drill("cache-down", settings)
    seen = {a.name: a for a in result.alerts}
    assert seen["IDPCacheHitRatioLow"].notified == P2_RECEIVERS
    assert result.load is not None
    browsing = next(e for e in result.load.endpoints if e.name == "/api/templates")
    assert browsing.requests > 20
    assert browsing.error_ratio == 0, "the catalog failed without Redis"


def test_latency_then_an_outage_keeps_the_p0_and_holds_back_the_latency(
    settings: Settings,
) -> None:
    result = run_passing_drill("latency-then-sign-in-outage", settings)
    seen = {a.name: a for a in result.alerts}
    assert seen["IDPAuthenticationDown"].notified == P0_RECEIVERS
    symptom = seen["IDPSlowResponses"]
    assert symptom.role is AlertRole.INHIBITED
    assert symptom.inhibited_by == ("IDPAuthenticationDown",)
    injected = [e.as_json()["fault"] for e in result.events if e.kind == "fault.injected"]
    assert injected == ["app-latency", "app-error-rate"]
