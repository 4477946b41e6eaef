"""Verdict truth, beyond routing: on each broken sandbox variant the drill that
concerns it FAILS, with a message naming what broke (DESIGN.md; the routing
variants are in test_verdict_truth.py). Only the drills each variant concerns run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.drill import load_drill
from harness.errors import ConfigError
from harness.settings import Settings
from remediation.runner import run_drill
from remediation.validation import validate_drill
from sandbox.docker.variants import VARIANTS
from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.variant]

# variant -> (failed check, words of its message), or per drill when it has several
Expected = tuple[str, str]
BROKEN: dict[str, Expected | dict[str, Expected]] = {
    "resolved-notifications-off": (
        "IDPDown resolved within 60 s of recovery",
        "IDPDown not resolved within 60 s of recovery",
    ),
    "broken-delivery": (
        "IDPDown notified slack-critical within 30 s",
        "notification requests to it failed (delivered tier)",
    ),
    "no-restart-policy": (
        "idp restarted by the platform within 30 s",
        "idp was not restarted within 30 s",
    ),
    "autoscaler-disabled": (
        "idp scaled out to at least 2 replicas within 45 s",
        "replicas (max 1)",
    ),
    "health-restarts-off": (
        "idp restarted by the platform within 20 s",
        "is its restart policy or health-based restart on?",
    ),
    "no-brute-force-blocking": (
        "IDPBruteForceBlocked fired within 30 s",
        "IDPBruteForceBlocked did not fire within 30 s",
    ),
    "circuit-breakers-off": (
        "circuit-breakers-open within 20 s",
        "still empty 20 s after the fault",
    ),
    "catastrophic-at-p1": (
        "IDPCatastrophicErrorRate has priority P0",
        "IDPCatastrophicErrorRate fired with priority P1, expected P0",
    ),
    "inhibition-inverted": {
        "catastrophic-errors": (
            "inhibition held back IDPHighErrorRate",
            "IDPHighErrorRate was not held back: it reached",
        ),
        "latency-then-sign-in-outage": (
            "inhibition held back IDPSlowResponses",
            "IDPSlowResponses was not held back: it reached",
        ),
    },
    "very-slow-at-p2": (
        "IDPVerySlowResponses has priority P1",
        "IDPVerySlowResponses fired with priority P2, expected P1",
    ),
    "suspicious-sign-in-at-p1": (
        "IDPSuspiciousSignIn has priority P0",
        "IDPSuspiciousSignIn fired with priority P1, expected P0",
    ),
    "security-to-team-channel": (
        "IDPAccessViolations notified slack-security within 30 s",
        "Alertmanager did not route IDPAccessViolations to slack-security within 30 s",
    ),
    "auth-latency-wrong-route": (
        "IDPAuthenticationSlow fired within 45 s",
        "IDPAuthenticationSlow did not fire within 45 s",
    ),
    "pool-alert-mismatched-labels": (
        "IDPDatabasePoolNearCapacity fired within 60 s",
        "IDPDatabasePoolNearCapacity did not fire within 60 s",
    ),
    "cache-ratio-ignores-errors": (
        "IDPCacheHitRatioLow fired within 60 s",
        "IDPCacheHitRatioLow did not fire within 60 s",
    ),
    "cpu-threshold-unreachable": (
        "IDPResourceExhaustion fired within 45 s",
        "IDPResourceExhaustion did not fire within 45 s",
    ),
    "escalation-level-empty": (
        "escalation level 3 (engineering-manager) notified 10-20 s after the trigger",
        "engineering-manager was not notified (the service's policy has on level 3: nobody)",
    ),
    "acknowledgement-ignored": (
        "escalation stopped at the acknowledgement",
        "escalation went on after the acknowledgement at",
    ),
    "executive-template-leaks-expression": (
        "IDPDown notifications to email-executive fit its audience (executive)",
        "shows the executive the alert's expression (in a Prometheus graph link)",
    ),
    "runbook-404": (
        "IDPDown notifications to slack-critical fit its audience (on-call engineer)",
        "runbook https://runbooks.sandbox.test/idp-outage answered 404",
    ),
    "status-page-never-updated": (
        "status-page incident for IDPDown opened within 30 s",
        "no status-page incident for IDPDown was opened within 30 s of the fault",
    ),
    "failover-disabled": (
        "a new database primary within 45 s",
        "is automatic failover on?",
    ),
}


# Variants whose drill fails first on a consequence and names the cause later: run
# whole (the others stop at their first failed check, which is the one asserted).
CAUSE_SHOWS_LATER = {
    "health-restarts-off",  # no restart, so no IDPDown (the alerts come first)
    "inhibition-inverted",  # the P0 is held back from its receivers first
    "status-page-never-updated",  # the automation's 502s fail its delivery check first
}


def test_every_variant_names_the_drills_that_catch_it() -> None:
    broken = {name for name, v in VARIANTS.items() if name != "healthy"}
    assert all(VARIANTS[name].drills for name in broken)
    covered = set(BROKEN) | {"wrong-priority", "p0-routed-to-p2", "for-too-long"}
    assert covered == broken, "every broken variant has a verdict-truth test"


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_concerned_drill_fails_naming_what_broke(
    variant: Any, settings: Settings, name: str
) -> None:
    variant(name)
    expected = BROKEN[name]
    for drill_name in VARIANTS[name].drills:
        check, words = expected[drill_name] if isinstance(expected, dict) else expected
        drill, source = load_drill(REPO / "drills" / f"{drill_name}.drill.yaml")
        # the drill ends at its first failed check, unless the cause shows later
        fail_fast = name not in CAUSE_SHOWS_LATER
        result = run_drill(validate_drill(drill, source, settings), settings, fail_fast=fail_fast)
        failed = {c.name: c.detail for c in result.failed_checks}
        timeline = "\n".join(str(e.as_json()) for e in result.events if e.kind != "phase")
        assert result.verdict == "failed", f"{drill_name} on {name}: {result.error}\n{timeline}"
        assert words in failed.get(check, "<passed>"), f"{check}: {failed}\n{timeline}"


def test_an_alert_slower_than_its_deadline_is_refused_before_the_drill(
    variant: Any, settings: Settings, tmp_path: Path
) -> None:
    """`for` 45 s with a 30 s deadline can never pass: a config error naming the floor,
    raised before anything is touched."""
    variant("for-too-long")
    drill, source = load_drill(REPO / "drills" / "app-crash.drill.yaml")
    with pytest.raises(ConfigError) as raised:
        run_drill(validate_drill(drill, source, settings), settings)
    message = str(raised.value)
    assert "app-crash.drill.yaml:" in message
    assert (
        "IDPDown: deadline 30 s is below its detection floor 47 s "
        "(scrape 1 s + evaluation 1 s + `for` 45 s)"
    ) in message
