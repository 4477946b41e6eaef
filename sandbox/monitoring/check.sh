#!/usr/bin/env bash
# Static tests of the sandbox's monitoring config: rule syntax and unit tests
# (promtool), Alertmanager config and routing per priority, including receivers
# that must NOT get an alert (amtool).
set -euo pipefail
cd "$(dirname "$0")"
promtool check rules rules/*.yml
promtool test rules tests/*_test.yml
(cd ../../ci/alerts && promtool check rules pagerdrill.rules.yml && promtool test rules pagerdrill_test.yml)
amtool check-config alertmanager.yml >/dev/null
route() {  # route PRIORITY EXPECTED-RECEIVERS (in route order)
  amtool config routes test --config.file=alertmanager.yml --verify.receivers="$2" \
    "priority=$1" alertname=RouteTest service=idp >/dev/null 2>&1 \
    || { echo "routing of priority=$1 is not $2" >&2; exit 1; }
  echo "  priority=$1 -> $2"
}
echo "Alertmanager routes:"
route P0 pagerduty-critical,slack-critical,email-oncall,sms-oncall,email-executive
route P1 pagerduty-high,slack-high,email-oncall
route P2 email-team,slack-low
route security pagerduty-security,slack-security
route none unrouted
