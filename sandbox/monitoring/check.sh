#!/usr/bin/env bash
# Static tests of the sandbox's monitoring config, in both profiles of
# profiles.yml (fast and production): rule syntax and unit tests (promtool),
# Alertmanager config and routing per priority, including receivers that must
# NOT get an alert (amtool). Needs the project's venv (it renders the templates).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT
(cd "$ROOT/ci/alerts" && promtool check rules pagerdrill.rules.yml >/dev/null && promtool test rules pagerdrill_test.yml)
route() {  # route PRIORITY EXPECTED-RECEIVERS (in route order)
  amtool config routes test --config.file=alertmanager.yml --verify.receivers="$2" \
    "priority=$1" alertname=RouteTest service=idp >/dev/null 2>&1 \
    || { echo "routing of priority=$1 is not $2" >&2; exit 1; }
  echo "  priority=$1 -> $2"
}
for profile in fast production; do
  echo "== monitoring profile: $profile"
  (cd "$ROOT" && "$PYTHON" -m sandbox sandbox monitoring --profile "$profile" --out "$OUT/$profile" >/dev/null)
  cd "$OUT/$profile"
  promtool check rules rules/*.yml
  promtool test rules tests/*_test.yml
  amtool check-config alertmanager.yml >/dev/null
  echo "Alertmanager routes:"
  route P0 pagerduty-critical,slack-critical,email-oncall,sms-oncall,incident-automation,email-executive
  route P1 pagerduty-high,slack-high,email-oncall
  route P2 email-team,slack-low
  route security pagerduty-security,slack-security
  route none unrouted
done
for profile in fast production; do
  echo "== Kubernetes rules, profile: $profile"
  (cd "$ROOT" && "$PYTHON" - "$OUT/kubernetes-$profile" "$profile" <<'PY'
import sys
from pathlib import Path
from sandbox.monitoring_config import render_text
out = Path(sys.argv[1]); out.mkdir(parents=True)
here = Path("sandbox/kubernetes/monitoring")
for name in ("rules-kubernetes.yml", "rules-kubernetes_test.yml"):
    (out / name).write_text(render_text(here / f"{name}.j2", sys.argv[2]))
PY
  )
  cd "$OUT/kubernetes-$profile"
  promtool check rules rules-kubernetes.yml
  promtool test rules rules-kubernetes_test.yml
done
# The worked example's own rules and routes (examples/notebook-hub/).
cd "$ROOT/examples/notebook-hub"
promtool check rules rules.yml >/dev/null && promtool test rules rules_test.yml
amtool check-config alertmanager.yml >/dev/null
