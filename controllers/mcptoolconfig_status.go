package controllers

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// toolConfigProblems lists what is wrong with a tool config spec (pure).
func toolConfigProblems(spec v1alpha1.MCPToolConfigSpec) []string {
	var problems []string
	seen := map[string]bool{}
	for i, f := range spec.ToolsFilter {
		if strings.TrimSpace(f) == "" {
			problems = append(problems, fmt.Sprintf("toolsFilter[%d] is empty; name a tool", i))
		}
	}
	originals := make([]string, 0, len(spec.ToolsOverride))
	for k := range spec.ToolsOverride {
		originals = append(originals, k)
	}
	sort.Strings(originals)
	for _, orig := range originals {
		name := spec.ToolsOverride[orig].Name
		if name == "" {
			continue
		}
		if seen[name] {
			problems = append(problems, fmt.Sprintf("toolsOverride renames two tools to %q; pick distinct names", name))
		}
		seen[name] = true
	}
	return problems
}

// setToolConfigValidCondition sets Valid from toolConfigProblems.
func setToolConfigValidCondition(conds *[]metav1.Condition, spec v1alpha1.MCPToolConfigSpec, gen int64) {
	if p := toolConfigProblems(spec); len(p) > 0 {
		conditions.Set(conds, conditions.False(v1alpha1.ConditionValid, v1alpha1.ReasonInvalid, strings.Join(p, "; ")), gen)
		return
	}
	conditions.Set(conds, conditions.True(v1alpha1.ConditionValid, v1alpha1.ReasonValid, "tool config is valid"), gen)
}
