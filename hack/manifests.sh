#!/usr/bin/env bash
# manifests.sh generates the CRDs (config/crd/bases) and the manager's RBAC role
# (config/rbac/role.yaml) with controller-gen. Never edit those outputs by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/bin}
"$BIN/controller-gen" crd:allowDangerousTypes=false paths=./api/... paths=./pkg/vmcp/config/... output:crd:artifacts:config=config/crd/bases
if compgen -G "controllers/*.go" >/dev/null; then
  "$BIN/controller-gen" rbac:roleName=manager-role paths=./controllers/... output:rbac:artifacts:config=config/rbac
fi
