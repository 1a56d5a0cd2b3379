#!/usr/bin/env bash
# Release artefacts of the kubectl plugin: dist/kubectl-mcp_<os>_<arch>.tar.gz for
# linux and darwin on amd64 and arm64, dist/checksums.txt, and dist/krew/mcp.yaml, a
# krew plugin manifest pointing at the release URLs with each archive's sha256.
#   VERSION=0.1.0 [PLATFORMS="linux/amd64 darwin/arm64"] hack/dist-plugin.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${VERSION:-0.1.0}
REPO_URL=${REPO_URL:-https://github.com/mcp-operator/mcp-operator}
OUT=dist
rm -rf "$OUT" && mkdir -p "$OUT/krew"
read -r -a platforms <<< "${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}"
for p in "${platforms[@]}"; do
  os=${p%/*} arch=${p#*/}
  dir=$(mktemp -d)
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X github.com/mcp-operator/mcp-operator/pkg/version.Version=$VERSION" \
    -o "$dir/kubectl-mcp" ./cmd/kubectl-mcp
  cp README.md "$dir/"
  tar -C "$dir" -czf "$OUT/kubectl-mcp_${os}_${arch}.tar.gz" kubectl-mcp README.md
  rm -rf "$dir"
done
(cd "$OUT" && sha256sum kubectl-mcp_*.tar.gz > checksums.txt)
{
  cat <<YAML
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: mcp
spec:
  version: v$VERSION
  homepage: $REPO_URL
  shortDescription: Migrate MCP workloads from the CLI and diagnose them
  description: |
    convert turns CLI RunConfig JSON, vmcp config files and old manifests into
    current MCPServer / VirtualMCPServer manifests; doctor runs the troubleshooting
    checklist against a cluster; tools lists the tools a server serves.
  platforms:
YAML
  for p in "${platforms[@]}"; do
    os=${p%/*} arch=${p#*/}
    f=kubectl-mcp_${os}_${arch}.tar.gz
    sum=$(grep " $f\$" "$OUT/checksums.txt" | cut -d' ' -f1)
    cat <<YAML
  - selector:
      matchLabels:
        os: $os
        arch: $arch
    uri: $REPO_URL/releases/download/v$VERSION/$f
    sha256: $sum
    bin: kubectl-mcp
YAML
  done
} > "$OUT/krew/mcp.yaml"
echo "dist/: $(cd "$OUT" && ls)"
