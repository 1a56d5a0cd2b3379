package controllers

import (
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// condBackendAuthResolved is False while some group members are left out because
// their own MCPExternalAuthConfig is missing or malformed; the other backends are
// served, so it does not fail the VirtualMCPServer.
const condBackendAuthResolved = "BackendAuthResolved"

// setBackendAuthCondition reports the members left out (excluded: name -> problem).
func setBackendAuthCondition(conds *[]metav1.Condition, excluded map[string]string, gen int64) {
	if len(excluded) == 0 {
		conditions.Set(conds, conditions.True(condBackendAuthResolved, v1alpha1.ReasonValid, "every backend's outgoing authentication resolved"), gen)
		return
	}
	var lines []string
	for _, p := range excluded {
		lines = append(lines, p)
	}
	sort.Strings(lines)
	conditions.Set(conds, conditions.False(condBackendAuthResolved, v1alpha1.ReasonNotFound,
		"left out until fixed: "+strings.Join(lines, "; ")), gen)
}
