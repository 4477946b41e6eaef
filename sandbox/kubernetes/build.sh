#!/usr/bin/env bash
# Builds the Kubernetes sandbox's binaries from Go modules (no registry, no prebuilt
# downloads) into a cache outside the repository, keyed by version: a second run
# with the same versions does nothing.
#
#   sandbox/kubernetes/build.sh            # download modules and build what is missing
#   sandbox/kubernetes/build.sh download   # only fetch the modules (network-bound)
#
# Versions: Kubernetes 1.34 (1.35+ kubelets refuse cgroup v1, this kernel's), etcd
# 3.6, metrics-server 0.8, kube-state-metrics 2.16; containerd, runc and the CNI
# plugins come from Debian (scripts/setup).
#
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces every staging
# module with ./staging/...), so a wrapper module requires it and pins each staging
# module to its published v0.<minor>.<patch>. etcd and metrics-server get wrapper
# modules of their own so the Kubernetes pins do not leak into them.
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-1.34.4}
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
METRICS_SERVER_VERSION=${METRICS_SERVER_VERSION:-0.8.0}
KSM_VERSION=${KSM_VERSION:-2.16.0}   # the newest the module proxy serves here (2.17 refused)
CACHE=${PAGERDRILL_CACHE:-/var/cache/pagerdrill}
OUT=$CACHE/kubernetes/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-ms-$METRICS_SERVER_VERSION-ksm-$KSM_VERSION
WORK=$CACHE/kubernetes/work
MODE=${1:-build}
say() { printf '[k8s-build] %s\n' "$*" >&2; }
export GOFLAGS=-buildvcs=false CGO_ENABLED=0

K8S_CMDS="kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl"
want_bins="$K8S_CMDS etcd metrics-server kube-state-metrics"
missing=0
for b in $want_bins; do [ -x "$OUT/$b" ] || missing=1; done
if [ $missing = 0 ]; then say "cached: $OUT"; exit 0; fi
mkdir -p "$OUT" "$WORK"

wrapper() {  # wrapper DIR MODULE
  rm -rf "$1"; mkdir -p "$1"; (cd "$1" && go mod init "pagerdrill.local/$(basename "$1")" >/dev/null 2>&1)
}

# --- Kubernetes -------------------------------------------------------------
k8s=$WORK/k8s-$K8S_VERSION
if [ ! -f "$k8s/.ready" ]; then
  say "wrapper module for k8s.io/kubernetes v$K8S_VERSION"
  wrapper "$k8s"
  cd "$k8s"
  go mod edit -go=1.24 -godebug=default=go1.24
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | jq -r .GoMod)
  minor_patch=${K8S_VERSION#1.}
  for m in $(sed -n 's|^\s*\(k8s.io/[a-z0-9-]*\) => \./staging/.*|\1|p' "$gomod"); do
    go mod edit "-replace=$m=$m@v0.$minor_patch"
  done
  go get -tool $(for c in $K8S_CMDS; do echo "k8s.io/kubernetes/cmd/$c@v$K8S_VERSION"; done) >/dev/null
  touch .ready
fi
etcd=$WORK/etcd-$ETCD_VERSION
if [ ! -f "$etcd/.ready" ]; then
  wrapper "$etcd"; cd "$etcd"
  go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null
  touch .ready
fi
ms=$WORK/metrics-server-$METRICS_SERVER_VERSION
if [ ! -f "$ms/.ready" ]; then
  wrapper "$ms"; cd "$ms"
  go get -tool "sigs.k8s.io/metrics-server/cmd/metrics-server@v$METRICS_SERVER_VERSION" >/dev/null
  touch .ready
fi
ksm=$WORK/kube-state-metrics-$KSM_VERSION
if [ ! -f "$ksm/.ready" ]; then
  wrapper "$ksm"; cd "$ksm"
  # The checksum database answers 404 for these two through this proxy: their
  # hashes are taken from the proxy alone (and pinned in the wrapper's go.sum).
  GONOSUMDB=k8s.io/kube-state-metrics,k8s.io/sample-controller \
    go get -tool "k8s.io/kube-state-metrics/v2@v$KSM_VERSION" >/dev/null
  touch .ready
fi
[ "$MODE" = download ] && { say "modules downloaded"; exit 0; }

V_PKG=k8s.io/component-base/version
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
# Without the version, binaries say v0.0.0-master and version checks refuse them.
ldflags="-s -w -X $V_PKG.gitVersion=v$K8S_VERSION -X $V_PKG.gitMajor=1 -X $V_PKG.gitMinor=$minor"
for c in $K8S_CMDS; do
  [ -x "$OUT/$c" ] && continue
  say "building $c v$K8S_VERSION"
  pkg=k8s.io/kubernetes/cmd/$c
  (cd "$k8s" && go build -p "${GO_BUILD_JOBS:-2}" -trimpath -o "$OUT/$c" -ldflags "$ldflags" "$pkg")
done
[ -x "$OUT/etcd" ] || { say "building etcd v$ETCD_VERSION"; (cd "$etcd" && go build -p "${GO_BUILD_JOBS:-2}" -trimpath -ldflags "-s -w" -o "$OUT/etcd" go.etcd.io/etcd/server/v3); }
[ -x "$OUT/metrics-server" ] || { say "building metrics-server v$METRICS_SERVER_VERSION"; (cd "$ms" && go build -p "${GO_BUILD_JOBS:-2}" -trimpath -ldflags "-s -w" -o "$OUT/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server); }
[ -x "$OUT/kube-state-metrics" ] || { say "building kube-state-metrics v$KSM_VERSION"; (cd "$ksm" && go build -p "${GO_BUILD_JOBS:-2}" -trimpath -ldflags "-s -w" -o "$OUT/kube-state-metrics" k8s.io/kube-state-metrics/v2); }
say "built into $OUT"
