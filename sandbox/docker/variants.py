"""Deliberately broken sandbox variants: each a small change to the platform that a
drill must catch (DESIGN.md, "Verdict truth"). A variant may change the monitoring
configuration, the services (their environment or restart policy: those containers
are recreated), or switch Patroni's automatic failover off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sandbox.docker.topology import Service
from sandbox.monitoring_config import MonitoringConfig, no_resolved_notifications, wrong_priority


def _unchanged(config: MonitoringConfig) -> None:
    """The monitoring configuration as shipped."""


def _same(service: Service) -> Service:
    return service


@dataclass(frozen=True)
class Variant:
    name: str
    breaks: str
    drills: tuple[str, ...] = ()
    """The drills that must FAIL on this variant."""
    monitoring: Callable[[MonitoringConfig], None] = _unchanged
    service: Callable[[Service], Service] = _same
    failover_paused: bool = False
    """Patroni in maintenance mode (`pause`): no automatic failover."""


def _p0_routed_to_p2(config: MonitoringConfig) -> None:
    for route in config.routes():
        if route["matchers"] == ['priority="P0"'] and route["receiver"] == "slack-critical":
            route["receiver"] = "slack-low"


def _outage_for_too_long(config: MonitoringConfig) -> None:
    config.rule("IDPDown")["for"] = "45s"


def _broken_delivery(config: MonitoringConfig) -> None:
    """slack-critical posts to a port nobody listens on; email-oncall's mail goes to
    a wrong SMTP port. Routing is unchanged: only delivery fails."""
    for receiver in config.alertmanager["receivers"]:
        if receiver["name"] == "slack-critical":
            receiver["slack_configs"][0]["api_url"] = "http://sink:9/slack/slack-critical"
        if receiver["name"] == "email-oncall":
            receiver["email_configs"][0]["smarthost"] = "mailpit:2526"


def _catastrophic_at_p1(config: MonitoringConfig) -> None:
    config.relabel("IDPCatastrophicErrorRate", "P1")


def _inhibition_inverted(config: MonitoringConfig) -> None:
    """The inhibit rule the wrong way round: P1/P2 symptoms hold back the P0."""
    for rule in config.alertmanager.get("inhibit_rules") or []:
        rule["source_matchers"], rule["target_matchers"] = (
            rule["target_matchers"],
            rule["source_matchers"],
        )


def _very_slow_at_p2(config: MonitoringConfig) -> None:
    config.relabel("IDPVerySlowResponses", "P2")


def _suspicious_sign_in_at_p1(config: MonitoringConfig) -> None:
    config.relabel("IDPSuspiciousSignIn", "P1")


def _security_to_team_channel(config: MonitoringConfig) -> None:
    """Security alerts' Slack route posts to the team's low-priority channel."""
    for route in config.routes():
        if route["matchers"] == ['priority="security"'] and route["receiver"] == "slack-security":
            route["receiver"] = "slack-low"


def _escalation_level_empty(config: MonitoringConfig) -> None:
    """The P0 policy's third level (the engineering manager) lists nobody: a schedule
    left empty after someone moved teams."""
    config.escalation["escalation_policies"]["p0-oncall"][2]["targets"] = []


def _acknowledgement_ignored(config: MonitoringConfig) -> None:
    """The P0 service re-triggers an acknowledged incident after a second (an
    acknowledgement timeout set in seconds where minutes were meant)."""
    config.escalation["services"]["pagerduty-critical"]["acknowledgement_timeout"] = "1s"


def _cpu_threshold_in_percent(config: MonitoringConfig) -> None:
    """The classic unit slip: a CPU ratio compared with a percentage (> 95, not > 0.95),
    so the rule can never fire."""
    rule = config.rule("IDPResourceExhaustion")
    rule["expr"] = rule["expr"].replace("> 0.95", "> 95")


def _edit_expr(config: MonitoringConfig, alertname: str, old: str, new: str) -> None:
    """Replace text in a rule's expression; a variant that changed nothing would pass
    for broken while it is not, so that is an error."""
    rule = config.rule(alertname)
    if old not in rule["expr"]:
        raise KeyError(f"{alertname}'s expression has no {old!r} to break")
    rule["expr"] = rule["expr"].replace(old, new)


def _auth_latency_wrong_route(config: MonitoringConfig) -> None:
    """The sign-in latency rule still selects a route the app renamed: it never fires."""
    _edit_expr(config, "IDPAuthenticationSlow", 'route=~"/login|/api/login"', 'route="/auth/login"')


def _pool_alert_mismatched_labels(config: MonitoringConfig) -> None:
    """The pool rule subtracts idle from open connections without `ignoring(state)`:
    the two sides' labels never match, the result is always empty, the alert silent."""
    _edit_expr(config, "IDPDatabasePoolNearCapacity", "- ignoring(state) ", "- ")


def _cache_ratio_ignores_errors(config: MonitoringConfig) -> None:
    """The hit ratio counts hits and misses only: with the cache unreachable every lookup
    is an error, the ratio has nothing to divide and the alert stays silent."""
    total = 'idp_cache_requests_total{job=~"idp|idp-replicas"}'
    looked_up = 'idp_cache_requests_total{job=~"idp|idp-replicas", result=~"hit|miss"}'
    _edit_expr(config, "IDPCacheHitRatioLow", total, looked_up)


def _executive_template_leaks_expression(config: MonitoringConfig) -> None:
    """The executive's mail links to the alert's Prometheus graph (its query)."""
    for receiver in config.alertmanager["receivers"]:
        if receiver["name"] == "email-executive":
            mail = receiver["email_configs"][0]
            mail["text"] += "\n{{ range .Alerts }}Details: {{ .GeneratorURL }}{{ end }}"


def _runbook_moved(config: MonitoringConfig) -> None:
    """IDPDown's runbook link names a page the wiki does not have (it was renamed)."""
    config.rule("IDPDown")["annotations"]["runbook"] = "https://runbooks.sandbox.test/idp-outage"


def _env(name: str, **changes: str) -> Callable[[Service], Service]:
    def change(service: Service) -> Service:
        return replace(service, env={**service.env, **changes}) if service.name == name else service

    return change


def _no_restart_policy(service: Service) -> Service:
    return replace(service, restart_on_failure=False) if service.name == "idp" else service


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("healthy", "nothing"),
        Variant(
            "wrong-priority",
            "the outage alert IDPDown is labelled P2 instead of P0",
            ("app-crash",),
            monitoring=wrong_priority,
        ),
        Variant(
            "catastrophic-at-p1",
            "IDPCatastrophicErrorRate (most requests fail) is labelled P1 instead of P0",
            ("catastrophic-errors",),
            monitoring=_catastrophic_at_p1,
        ),
        Variant(
            "inhibition-inverted",
            "the inhibit rule is inverted: P1/P2 alerts silence the P0 of their service",
            ("catastrophic-errors", "latency-then-sign-in-outage"),
            monitoring=_inhibition_inverted,
        ),
        Variant(
            "very-slow-at-p2",
            "IDPVerySlowResponses labelled P2: severe latency pages nobody",
            ("very-slow-responses",),
            monitoring=_very_slow_at_p2,
        ),
        Variant(
            "suspicious-sign-in-at-p1",
            "IDPSuspiciousSignIn labelled P1: a guessed password is not a P0 page",
            ("suspicious-sign-in",),
            monitoring=_suspicious_sign_in_at_p1,
        ),
        Variant(
            "security-to-team-channel",
            "the security alerts' Slack route posts to the team's low-priority channel",
            ("api-attack",),
            monitoring=_security_to_team_channel,
        ),
        Variant(
            "auth-latency-wrong-route",
            "IDPAuthenticationSlow selects a route the app does not have: it never fires",
            ("sign-in-lock",),
            monitoring=_auth_latency_wrong_route,
        ),
        Variant(
            "pool-alert-mismatched-labels",
            "IDPDatabasePoolNearCapacity subtracts idle from open without ignoring(state)",
            ("connection-leak",),
            monitoring=_pool_alert_mismatched_labels,
        ),
        Variant(
            "cache-ratio-ignores-errors",
            "IDPCacheHitRatioLow counts hits and misses only, not failed lookups",
            ("cache-down",),
            monitoring=_cache_ratio_ignores_errors,
        ),
        Variant(
            "cpu-threshold-unreachable",
            "IDPResourceExhaustion compares the CPU ratio with 95 (percent): it never fires",
            ("cpu-exhaustion",),
            monitoring=_cpu_threshold_in_percent,
        ),
        Variant(
            "p0-routed-to-p2",
            "P0 alerts go to the P2 Slack channel instead of the critical one",
            ("app-crash",),
            monitoring=_p0_routed_to_p2,
        ),
        Variant(
            "for-too-long",
            "IDPDown waits 45 s (`for`) before firing: beyond the P0 deadline of 30 s",
            ("app-crash",),
            monitoring=_outage_for_too_long,
        ),
        Variant(
            "resolved-notifications-off",
            "no receiver is told when an alert resolves (send_resolved: false)",
            ("app-crash",),
            monitoring=no_resolved_notifications,
        ),
        Variant(
            "broken-delivery",
            "slack-critical's webhook URL and email-oncall's SMTP port are wrong",
            ("app-crash",),
            monitoring=_broken_delivery,
        ),
        Variant(
            "no-restart-policy",
            "the app's container has no restart policy: a crash is final",
            ("app-crash",),
            service=_no_restart_policy,
        ),
        Variant(
            "autoscaler-disabled",
            "the controller may run at most one replica",
            ("load-spike",),
            service=_env("controller", CONTROLLER_MAX="1"),
        ),
        Variant(
            "health-restarts-off",
            "the controller never restarts an instance failing its liveness probe",
            ("unhealthy-instance",),
            service=_env("controller", CONTROLLER_LIVENESS_FAILURES="0"),
        ),
        Variant(
            "no-brute-force-blocking",
            "the app never blocks a client however many sign-ins fail",
            ("brute-force",),
            service=_env("idp", IDP_BRUTE_FORCE_MAX_FAILURES="0"),
        ),
        Variant(
            "circuit-breakers-off",
            "the app keeps calling hung plugin backends (no circuit breaker)",
            ("plugins-failing",),
            service=_env("idp", IDP_CIRCUIT_BREAKER_FAILURES="0"),
        ),
        Variant(
            "escalation-level-empty",
            "the P0 escalation policy's level 3 (engineering manager) has nobody on it",
            ("p0-escalation-unanswered",),
            monitoring=_escalation_level_empty,
        ),
        Variant(
            "acknowledgement-ignored",
            "an acknowledged P0 incident re-triggers after 1 s and escalates on",
            ("p0-escalation-acknowledged",),
            monitoring=_acknowledgement_ignored,
        ),
        Variant(
            "executive-template-leaks-expression",
            "the executive's mail template adds the alert's graph link (its PromQL)",
            ("p0-war-room",),
            monitoring=_executive_template_leaks_expression,
        ),
        Variant(
            "runbook-404",
            "IDPDown's runbook link points at a page the runbook wiki does not have",
            ("p0-war-room",),
            monitoring=_runbook_moved,
        ),
        Variant(
            "status-page-never-updated",
            "the incident automation posts to a status page ID that does not exist",
            ("p0-war-room",),
            service=_env("incident-automation", STATUSPAGE_PAGE_ID="sandbox-old"),
        ),
        Variant(
            "failover-disabled",
            "Patroni is paused: a dead primary is never replaced",
            ("db-primary-killed",),
            failover_paused=True,
        ),
    )
}


def variant(name: str) -> Variant:
    if name not in VARIANTS:
        raise KeyError(f"unknown sandbox variant {name!r}; known: {', '.join(VARIANTS)}")
    return VARIANTS[name]


def render(variant_name: str, config_dir: Path) -> None:
    """Write the monitoring configuration of `variant_name` into `config_dir`."""
    config = MonitoringConfig.load()
    variant(variant_name).monitoring(config)
    config.write(config_dir)
