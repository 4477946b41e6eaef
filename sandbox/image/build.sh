#!/usr/bin/env bash
# Builds the sandbox images offline: a Debian base by debootstrap (no registry is
# reachable), then `docker build` FROM it. Tags by content hash, so a second run
# with nothing changed is a no-op. Needs a running Docker engine (scripts/setup).
# Usage: sandbox/image/build.sh [--force]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${PAGERDRILL_BUILD_DIR:-/var/tmp/pagerdrill-build}
BASE=pagerdrill/debian:bookworm-minbase
IMAGE=pagerdrill/sandbox
FORCE=""; [ "${1:-}" = "--force" ] && FORCE=1
MIRROR=${MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)}
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || { echo "build.sh: no Debian mirror found; set MIRROR=http://..." >&2; exit 2; }
export DOCKER_BUILDKIT=0   # the docker CLI here may lack buildx
log() { printf '[image] %s\n' "$*" >&2; }

if [ -n "$FORCE" ] || ! docker image inspect "$BASE" >/dev/null 2>&1; then
  log "debootstrap bookworm minbase from $MIRROR (about a minute)"
  R=$WORK/rootfs; rm -rf "$R"; mkdir -p "$WORK"
  debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$MIRROR" "$MIRROR" > "$R/etc/apt/sources.list"
  printf '%s\n' 'APT::Install-Recommends "false";' 'APT::Install-Suggests "false";' \
    'Acquire::Languages "none";' > "$R/etc/apt/apt.conf.d/90sandbox"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
    'path-exclude /usr/share/lintian/*' > "$R/etc/dpkg/dpkg.cfg.d/90sandbox-nodoc"
  printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod 755 "$R/usr/sbin/policy-rc.d"
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/* "$R"/usr/share/man/* "$R"/usr/share/locale/*
  : > "$R/etc/resolv.conf"
  tar -C "$R" --numeric-owner -c . | docker import -c 'ENV LANG=C.UTF-8' -c 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$R"
fi

# Prometheus, Alertmanager and Mailpit built from their Go modules (cached by version).
MONITORING=$("$HERE/../monitoring/build.sh")
CTX=$WORK/ctx; rm -rf "$CTX"; mkdir -p "$CTX/ca" "$CTX/bin"
cp "$HERE/Dockerfile" "$HERE/requirements.txt" "$CTX/"
cp /usr/local/share/ca-certificates/*.crt "$CTX/ca/" 2>/dev/null || true
for b in prometheus promtool alertmanager amtool mailpit; do cp "$MONITORING/$b" "$CTX/bin/"; done
TAG=$( (docker image inspect -f '{{.Id}}' "$BASE"; echo "$MONITORING"; cat "$CTX/Dockerfile" "$CTX/requirements.txt" "$CTX"/ca/* 2>/dev/null) | sha256sum | cut -c1-12)
if [ -n "$FORCE" ] || ! docker image inspect "$IMAGE:$TAG" >/dev/null 2>&1; then
  log "docker build $IMAGE:$TAG (about two minutes)"
  docker build ${FORCE:+--no-cache} -t "$IMAGE:$TAG" "$CTX" >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log" >&2; exit 1; }
else
  log "$IMAGE:$TAG is up to date"
fi
docker tag "$IMAGE:$TAG" "$IMAGE:latest"

# pagerdrill/sink: the webhook capture on its own (deploy/sink/), FROM the image above.
SINK_IMAGE=pagerdrill/sink
SINK_CTX=$WORK/sink-ctx; rm -rf "$SINK_CTX"; mkdir -p "$SINK_CTX/sandbox/sink"
cp "$HERE/../../deploy/sink/Dockerfile" "$SINK_CTX/"
cp "$HERE/../__init__.py" "$SINK_CTX/sandbox/"
cp "$HERE"/../sink/*.py "$SINK_CTX/sandbox/sink/"
SINK_TAG=$( (echo "$TAG"; cat "$SINK_CTX/Dockerfile" "$SINK_CTX"/sandbox/sink/*.py) | sha256sum | cut -c1-12)
if [ -n "$FORCE" ] || ! docker image inspect "$SINK_IMAGE:$SINK_TAG" >/dev/null 2>&1; then
  log "docker build $SINK_IMAGE:$SINK_TAG"
  docker build --build-arg "BASE=$IMAGE:$TAG" -t "$SINK_IMAGE:$SINK_TAG" "$SINK_CTX" >"$WORK/sink-build.log" 2>&1 \
    || { tail -30 "$WORK/sink-build.log" >&2; exit 1; }
fi
docker tag "$SINK_IMAGE:$SINK_TAG" "$SINK_IMAGE:latest"
