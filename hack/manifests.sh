#!/usr/bin/env bash
# manifests.sh generates the CRDs (config/crd/bases) and the manager's RBAC role
# (config/rbac/role.yaml) with controller-gen. Never edit those outputs by hand.
#
# CRDs: controller-gen writes the raw schemas into a temporary folder; kustomize
# then applies the JSON patches of config/crd/patches (what markers cannot express,
# such as the string-or-object groupRef node) and the result is written, one file
# per CRD with controller-gen's file names, into config/crd/bases.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/bin}
KUSTOMIZE=${KUSTOMIZE:-$BIN/kustomize}
[ -x "$KUSTOMIZE" ] || { echo "manifests.sh: $KUSTOMIZE missing; run 'make tools'" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/raw" "$work/out"
"$BIN/controller-gen" crd:allowDangerousTypes=false paths=./api/... paths=./pkg/vmcp/config/... output:crd:artifacts:config="$work/raw"

{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  for f in "$work"/raw/*.yaml; do echo "- raw/$(basename "$f")"; done
  echo "components:"
  echo "- $(realpath --relative-to="$work" "$PWD/config/crd/patches")"
} >"$work/kustomization.yaml"
"$KUSTOMIZE" build "$work" -o "$work/out"

# kustomize names its files <group>_<version>_<kind>_<name>.yaml; restore
# controller-gen's <group>_<plural>.yaml.
rm -rf config/crd/bases
mkdir -p config/crd/bases
for f in "$work"/out/*.yaml; do
  name=$(basename "$f" .yaml)
  name=${name##*customresourcedefinition_}   # <plural>.<group>
  plural=${name%%.*}
  group=${name#*.}
  cp "$f" "config/crd/bases/${group}_${plural}.yaml"
done
[ "$(ls "$work"/raw | wc -l)" = "$(ls config/crd/bases | wc -l)" ] || { echo "manifests.sh: CRD count changed while patching" >&2; exit 1; }

if compgen -G "controllers/*.go" >/dev/null; then
  "$BIN/controller-gen" rbac:roleName=manager-role paths=./controllers/... output:rbac:artifacts:config=config/rbac
fi

# The install charts carry generated copies (never edit them by hand): the CRD chart
# installs config/crd/bases, and the operator chart templates its (Cluster)Role rules
# from config/rbac/role.yaml.
rm -rf helm-charts/mcp-operator-crds/files/crds
mkdir -p helm-charts/mcp-operator-crds/files/crds helm-charts/mcp-operator/files
cp config/crd/bases/*.yaml helm-charts/mcp-operator-crds/files/crds/
if [ -f config/rbac/role.yaml ]; then cp config/rbac/role.yaml helm-charts/mcp-operator/files/manager-role.yaml; fi
