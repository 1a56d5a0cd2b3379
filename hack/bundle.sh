#!/usr/bin/env bash
# bundle.sh generates the OLM bundle (bundle/ and bundle.Dockerfile) from config/manifests
# with operator-sdk, deterministically so the result can be committed and checked for
# staleness: the createdAt timestamp is dropped and the builder is named by the pinned
# operator-sdk version (a binary built without version ldflags says "unknown").
#
# Usage: hack/bundle.sh [OUTPUT_ROOT]   (default: the repository root)
# Env: VERSION (default 0.1.0), CHANNELS (alpha), DEFAULT_CHANNEL (alpha),
#      IMG (ghcr.io/mcp-operator/manager:$VERSION).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/bin}
OUT=$(realpath -m "${1:-$ROOT}")
VERSION=${VERSION:-0.1.0}
CHANNELS=${CHANNELS:-alpha}
DEFAULT_CHANNEL=${DEFAULT_CHANNEL:-alpha}
IMG=${IMG:-ghcr.io/mcp-operator/manager:$VERSION}
# REGISTRY_API_IMAGE is what config/manager/manager.yaml gives the manager (relatedImages lists it).
REGISTRY_API_IMAGE=${REGISTRY_API_IMAGE:-$(awk '/name: REGISTRY_API_IMAGE/{getline; print $2}' "$ROOT/config/manager/manager.yaml")}
OPERATOR_SDK_VERSION=v1.42.2
for t in kustomize operator-sdk; do
  [ -x "$BIN/$t" ] || { echo "bundle.sh: $BIN/$t missing; run 'hack/install-tools.sh kustomize operator-sdk'" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# An overlay in the temporary folder sets the manager image without editing config/.
cat >"$work/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- $(realpath --relative-to="$work" "$ROOT/config/manifests")
images:
- name: ghcr.io/mcp-operator/manager
  newName: ${IMG%:*}
  newTag: ${IMG##*:}
YAML
"$BIN/kustomize" build "$work" >"$work/manifests.yaml"
(cd "$work" && "$BIN/operator-sdk" generate bundle -q --overwrite \
  --version "$VERSION" --package mcp-operator \
  --channels "$CHANNELS" --default-channel "$DEFAULT_CHANNEL" \
  --output-dir bundle < <(cat manifests.yaml))

csv="$work/bundle/manifests/mcp-operator.clusterserviceversion.yaml"
sed -i '/^    createdAt: /d' "$csv"
sed -i "s|^    containerImage: .*|    containerImage: $IMG|" "$csv"
sed -i "s/operator-sdk-unknown/operator-sdk-$OPERATOR_SDK_VERSION/" \
  "$csv" "$work/bundle/metadata/annotations.yaml" "$work/bundle.Dockerfile"

# relatedImages lists every image the operator runs, so mirroring tools and disconnected
# installs know them: the manager and the operands (proxy runner, vmcp, optimizer,
# embedder), all from the manager image's repository at the bundle's version.
repo=${IMG%/*}
{
  echo "  relatedImages:"
  echo "  - image: $IMG"
  echo "    name: manager"
  for operand in proxyrunner vmcp optimizer embedder; do
    echo "  - image: $repo/$operand:$VERSION"
    echo "    name: $operand"
  done
  # The registry API server is a third-party image (REGISTRY_API_IMAGE of the manager).
  echo "  - image: $REGISTRY_API_IMAGE"
  echo "    name: registry-api"
} >"$work/related.yaml"
awk -v rel="$work/related.yaml" '/^  version: /{while ((getline l < rel) > 0) print l} {print}' "$csv" >"$csv.new"
mv "$csv.new" "$csv"

mkdir -p "$OUT"
rm -rf "$OUT/bundle"
cp -r "$work/bundle" "$OUT/bundle"
cp "$work/bundle.Dockerfile" "$OUT/bundle.Dockerfile"
