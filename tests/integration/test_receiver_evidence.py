"""Receiver evidence on the live sandbox: a target with no webhook capture proves
routed + delivered from Alertmanager and received from the mail server; a broken
delivery fails at the delivered tier naming the receiver; each reader reads its
system's own API (the sink's PagerDuty and Slack APIs, Mailpit) and refuses a
wrong token without echoing it."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.clients.mailpit import MailpitClient
from harness.clients.pagerduty import PagerDutyClient
from harness.clients.slack import SlackClient
from harness.drill import load_drill
from harness.errors import InfrastructureError
from harness.results import DrillResult
from harness.settings import Settings, load_settings
from remediation.receivers import MailReader, PagerDutyServiceReader, SlackChannelReader
from remediation.runner import run_drill
from remediation.validation import validate_drill
from tests.conftest import REPO

pytestmark = pytest.mark.integration
SINK = "http://127.0.0.1:19095"
WITHOUT_SINK = REPO / "targets" / "sandbox-without-sink.yaml"
DELIVERED_ONLY = ("pagerduty-critical", "slack-critical", "sms-oncall", "incident-automation")
MAILED = ("email-oncall", "email-executive")
WRONG = "wrong-token-" + "x" * 12


@pytest.fixture(scope="module")
def without_sink(sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(
        WITHOUT_SINK,
        tmp_path_factory.mktemp("out"),
        environ={"PAGERDRILL_STATE_DIR": str(tmp_path_factory.mktemp("state"))},
    )


def _app_crash(settings: Settings) -> DrillResult:
    drill, source = load_drill(REPO / "drills" / "app-crash.drill.yaml")
    return run_drill(validate_drill(drill, source, settings), settings)


def _receiver_checks(result: DrillResult) -> dict[str, Any]:
    return {
        c.name.split(" notified ")[1].split(" within")[0]: c
        for c in result.checks
        if c.evidence_required is not None
    }


def test_without_a_sink_app_crash_proves_delivery_and_email_reception(
    without_sink: Settings,
) -> None:
    result = _app_crash(without_sink)
    assert result.verdict == "passed", [c.detail for c in result.failed_checks]
    checks = _receiver_checks(result)
    for receiver in DELIVERED_ONLY:
        assert checks[receiver].evidence == "delivered", checks[receiver].detail
        assert "shown: routed, delivered; required: delivered" in checks[receiver].detail
    for receiver in MAILED:
        assert checks[receiver].evidence == "received", checks[receiver].detail
        assert "shown: routed, delivered, received" in checks[receiver].detail


def test_a_broken_delivery_fails_at_the_delivered_tier_naming_the_receiver(
    variant: Any, without_sink: Settings
) -> None:
    variant("broken-delivery")
    result = _app_crash(without_sink)
    assert result.verdict == "failed"
    failed = {c.name: c for c in result.failed_checks}
    for receiver in ("slack-critical", "email-oncall"):
        check = failed[f"IDPDown notified {receiver} within 30 s"]
        assert "notification requests to it failed (delivered tier)" in check.detail
        assert check.evidence == "routed"
        assert check.evidence_required in ("delivered", "received")
    assert "IDPDown notified pagerduty-critical within 30 s" not in failed


def test_the_pagerduty_reader_reads_incidents_and_their_resolution(sandbox: Any) -> None:
    since, service = time.time(), f"svc-{time.time_ns()}"
    event = {
        "routing_key": "not-logged",
        "dedup_key": "group-1",
        "payload": {"summary": "[FIRING:1] ReaderTest on idp", "severity": "critical"},
    }
    enqueue = f"{SINK}/pagerduty/{service}/v2/enqueue"
    for action in ("trigger", "trigger", "resolve"):  # a repeat does not open a second one
        httpx.post(enqueue, json={**event, "event_action": action}).raise_for_status()
    client = PagerDutyClient(f"{SINK}/pagerduty/api", sandbox.secret("sink-token"))
    reader = PagerDutyServiceReader("pd", "pagerduty", client=client, service_id=service)
    with client:
        got = [(n.alertname, n.status) for n in reader.received(["ReaderTest", "Other"], since)]
    assert got == [("ReaderTest", "firing"), ("ReaderTest", "resolved")]
    with PagerDutyClient(f"{SINK}/pagerduty/api", WRONG) as wrong:
        _refused_without_echo(lambda: wrong.incidents(service, since))


def test_the_slack_reader_reads_channel_history(sandbox: Any) -> None:
    since = time.time()
    for status in ("FIRING:1", "RESOLVED"):
        message = {
            "channel": "#reader-test",
            "attachments": [{"title": f"[{status}] ReaderTest", "text": "summary"}],
        }
        httpx.post(f"{SINK}/slack/reader-test", json=message).raise_for_status()
    client = SlackClient(f"{SINK}/slack/api", sandbox.secret("sink-token"))
    reader = SlackChannelReader("chat", "slack", client=client, channel_id="CREADERTEST")
    with client:
        got = sorted((n.alertname, n.status) for n in reader.received(["ReaderTest"], since))
    assert got == [("ReaderTest", "firing"), ("ReaderTest", "resolved")]
    with SlackClient(f"{SINK}/slack/api", WRONG) as wrong:
        _refused_without_echo(lambda: wrong.history("CREADERTEST", since))


def test_the_mail_reader_reads_the_mail_servers_api(sandbox: Any) -> None:
    since, address = time.time(), f"reader-{time.time_ns()}@sandbox.test"
    for subject in ("[FIRING:1] ReaderTest", "[RESOLVED] ReaderTest"):
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "am@sandbox.test", address, subject
        mail.set_content("body")
        with smtplib.SMTP("127.0.0.1", 19026, timeout=10) as smtp:
            smtp.send_message(mail)
    client = MailpitClient("http://127.0.0.1:19025")
    reader = MailReader("mail", "email", client=client, address=address)
    with client:
        got = sorted((n.alertname, n.status) for n in reader.received(["ReaderTest"], since))
    assert got == [("ReaderTest", "firing"), ("ReaderTest", "resolved")]


def _refused_without_echo(call: Any) -> None:
    with pytest.raises(InfrastructureError) as raised:
        call()
    assert WRONG not in str(raised.value)
    assert "401" in str(raised.value) or "invalid_auth" in str(raised.value)


def test_the_sandbox_target_reads_every_receiver_back(settings: Settings, tmp_path: Path) -> None:
    """No receiver of the contract is left without a reader: the sandbox proves
    `received` for every one but the incident automation's webhook, whose effects
    are read back as the war room and the status page."""
    assert settings.contract is not None
    automation = {"incident-automation"}
    assert settings.contract.receivers - automation <= set(settings.target.receivers)
    assert settings.target.war_room is not None
    assert settings.target.status_page is not None
