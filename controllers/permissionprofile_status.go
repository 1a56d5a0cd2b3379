package controllers

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// condPermissionProfileSupported is False when spec.permissionProfile asks for what
// this operator does not enforce, so the user is told instead of the field being
// silently ignored.
const condPermissionProfileSupported = "PermissionProfileSupported"

// reasonNotSupported marks an accepted field that has no effect here.
const reasonNotSupported = "NotSupported"

// setPermissionProfileCondition reports a permissionProfile of type configmap (a
// ToolHive JSON profile of network and file permissions) as not enforced; builtin
// profiles are (name none renders a NetworkPolicy denying egress).
func setPermissionProfileCondition(conds *[]metav1.Condition, p *v1alpha1.PermissionProfile, gen int64) {
	if p == nil || p.Type != v1alpha1.PermissionProfileConfigMap {
		conditions.Remove(conds, condPermissionProfileSupported)
		return
	}
	conditions.Set(conds, conditions.False(condPermissionProfileSupported, reasonNotSupported,
		"permissionProfile type configmap is not enforced by this operator: the ConfigMap "+p.Name+
			" is not read and the server runs without its limits; use type builtin with name none (no egress) or network"), gen)
}
