#!/usr/bin/env bash
# verify.sh regenerates every generated file and fails when any of them changed,
# so CI catches a commit that forgot `make generate manifests`. It also checks gofmt.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(api pkg/vmcp/config config bundle helm-charts/mcp-operator-crds helm-charts/mcp-operator/files)
snap=$(mktemp -d)
trap 'rm -rf "$snap"' EXIT
for p in "${paths[@]}"; do [ -e "$p" ] && mkdir -p "$snap/$(dirname "$p")" && cp -a "$p" "$snap/$p"; done
make -s generate manifests >/dev/null
stale=0
for p in "${paths[@]}"; do
  [ -e "$p" ] || continue
  if ! diff -r "$snap/$p" "$p" >/dev/null; then
    echo "generated files under $p are stale; run 'make generate manifests' and commit:" >&2
    diff -r "$snap/$p" "$p" | head -40 >&2 || true
    stale=1
  fi
done
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*') 2>/dev/null || true)
if [ -n "$unformatted" ]; then echo "gofmt needed on:" >&2; echo "$unformatted" >&2; stale=1; fi
exit $stale
