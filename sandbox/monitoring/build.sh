#!/usr/bin/env bash
# Builds the monitoring the sandbox runs from Go modules (no registry, no prebuilt
# downloads): Prometheus + promtool, Alertmanager + amtool and the Mailpit mail
# server, into a cache outside the repository keyed by version. A second run with
# the same versions does nothing. sandbox/image/build.sh copies them into the image.
#
#   sandbox/monitoring/build.sh          # build what is missing, print the folder
#
# Why not Debian's: bookworm ships Prometheus 2.42 and Alertmanager 0.25; per-receiver
# notification metrics (`receiver_name` on alertmanager_notifications_*) need
# Alertmanager >= 0.27 with --enable-feature=receiver-name-in-metrics, and the
# receivers of each alert in /api/v2/alerts are what every release has.
# Debian's promtool/amtool stay installed on the host only as the fallback when Go
# is missing (scripts/setup then says so).
set -euo pipefail
PROMETHEUS_VERSION=${PROMETHEUS_VERSION:-0.316.0}     # Go module tag of Prometheus 3.16.0
ALERTMANAGER_VERSION=${ALERTMANAGER_VERSION:-0.35.0}
MAILPIT_VERSION=${MAILPIT_VERSION:-1.33.1}
CACHE=${PAGERDRILL_CACHE:-/var/cache/pagerdrill}
OUT=$CACHE/monitoring/prom-$PROMETHEUS_VERSION-am-$ALERTMANAGER_VERSION-mailpit-$MAILPIT_VERSION
WORK=$CACHE/monitoring/work
say() { printf '[monitoring-build] %s\n' "$*" >&2; }
export GOFLAGS=-buildvcs=false CGO_ENABLED=0

missing=0
for b in prometheus promtool alertmanager amtool mailpit; do [ -x "$OUT/$b" ] || missing=1; done
if [ $missing = 0 ]; then say "cached: $OUT"; echo "$OUT"; exit 0; fi
mkdir -p "$OUT" "$WORK"

build() {  # build NAME MODULE VERSION PACKAGE [LDFLAGS] [TAGS]
  local name=$1 module=$2 version=$3 pkg=$4 ldflags=${5:-} tags=${6:-}
  [ -x "$OUT/$name" ] && return 0
  local dir=$WORK/$name-$version
  if [ ! -f "$dir/.ready" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    (cd "$dir" && go mod init "pagerdrill.local/$name" >/dev/null 2>&1 && go get -tool "$pkg@v$version" >/dev/null)
    touch "$dir/.ready"
  fi
  say "building $name ($module v$version)"
  (cd "$dir" && go build -p "${GO_BUILD_JOBS:-2}" -trimpath -tags "$tags" -ldflags "-s -w $ldflags" -o "$OUT/$name.tmp" "$pkg")
  mv "$OUT/$name.tmp" "$OUT/$name"
}

P=github.com/prometheus/prometheus
AM=github.com/prometheus/alertmanager
V=github.com/prometheus/common/version
promv=$(echo "$PROMETHEUS_VERSION" | awk -F. '{printf "3.%d.%s", $2-300, $3}')
# The sandboxes discover targets by DNS (Docker) and HTTP (Kubernetes' sidecar): the
# cloud service discoveries are left out, which halves the build.
sd_tags=remove_all_sd,enable_dns_sd
build prometheus $P "$PROMETHEUS_VERSION" $P/cmd/prometheus "-X $V.Version=$promv" $sd_tags
build promtool $P "$PROMETHEUS_VERSION" $P/cmd/promtool "-X $V.Version=$promv" $sd_tags
# Alertmanager's module lacks its web UI's built assets (ui/app/dist, made by npm in
# its release process) which ui/web.go embeds: it is built from a copy of the module
# source with a one-page placeholder there. Its API, the only part pagerdrill uses,
# is complete.
if [ ! -x "$OUT/alertmanager" ] || [ ! -x "$OUT/amtool" ]; then
  src=$WORK/alertmanager-src-$ALERTMANAGER_VERSION
  if [ ! -f "$src/.ready" ]; then
    rm -rf "$src"
    cp -r "$(go mod download -json "$AM@v$ALERTMANAGER_VERSION" | jq -r .Dir)" "$src"
    chmod -R u+w "$src"
    for ui in elm mantine; do
      mkdir -p "$src/ui/app/dist/$ui"
      printf '<!doctype html><title>Alertmanager</title><p>Built by pagerdrill without the web UI; the API at /api/v2 is complete.\n' \
        > "$src/ui/app/dist/$ui/index.html"
    done
    touch "$src/.ready"
  fi
  for cmd in alertmanager amtool; do
    [ -x "$OUT/$cmd" ] && continue
    say "building $cmd ($AM v$ALERTMANAGER_VERSION)"
    (cd "$src" && go build -p "${GO_BUILD_JOBS:-2}" -trimpath \
      -ldflags "-s -w -X $V.Version=$ALERTMANAGER_VERSION" -o "$OUT/$cmd.tmp" "./cmd/$cmd")
    mv "$OUT/$cmd.tmp" "$OUT/$cmd"
  done
fi
build mailpit github.com/axllent/mailpit "$MAILPIT_VERSION" github.com/axllent/mailpit \
  "-X github.com/axllent/mailpit/config.Version=v$MAILPIT_VERSION"
say "built into $OUT"
echo "$OUT"
