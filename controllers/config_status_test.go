package controllers

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestExternalAuthProblem(t *testing.T) {
	hi := &v1alpha1.HeaderInjectionConfig{HeaderName: "X", ValueSecretRef: v1alpha1.SecretKeyRef{Name: "s", Key: "k"}}
	tests := map[string]struct {
		spec v1alpha1.MCPExternalAuthConfigSpec
		want string
	}{
		"unauthenticated":     {spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthUnauthenticated}},
		"header injection":    {spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthHeaderInjection, HeaderInjection: hi}},
		"missing sub-object":  {spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthBearerToken}, want: "spec.bearerToken is missing"},
		"mismatched settings": {spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthUnauthenticated, HeaderInjection: hi}, want: "remove them"},
		"unknown type":        {spec: v1alpha1.MCPExternalAuthConfigSpec{Type: "magic"}, want: "unknown"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := externalAuthProblem(tc.spec)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("problem %q, want %q", got, tc.want)
			}
		})
	}
}

func TestToolConfigProblems(t *testing.T) {
	tests := map[string]struct {
		spec v1alpha1.MCPToolConfigSpec
		want string
	}{
		"fine":         {spec: v1alpha1.MCPToolConfigSpec{ToolsFilter: []string{"a"}, ToolsOverride: map[string]config.ToolOverride{"a": {Name: "b"}}}},
		"empty filter": {spec: v1alpha1.MCPToolConfigSpec{ToolsFilter: []string{" "}}, want: "toolsFilter[0] is empty"},
		"name clash":   {spec: v1alpha1.MCPToolConfigSpec{ToolsOverride: map[string]config.ToolOverride{"a": {Name: "x"}, "b": {Name: "x"}}}, want: `two tools to "x"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(toolConfigProblems(tc.spec), "; ")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDeletionBlockedAndEntryValid(t *testing.T) {
	var conds []metav1.Condition
	setDeletionBlockedCondition(&conds, "MCPToolConfig", []referrer{{"MCPServer", "a"}, {"MCPRemoteProxy", "b"}}, 1)
	c := conditions.Get(conds, CondDeletionBlocked)
	if c == nil || !strings.Contains(c.Message, "MCPServer a, MCPRemoteProxy b") {
		t.Fatalf("%+v", c)
	}
	setDeletionBlockedCondition(&conds, "MCPToolConfig", nil, 1)
	if conditions.Get(conds, CondDeletionBlocked) != nil {
		t.Fatal("condition kept after the references went")
	}

	conds = nil
	conditions.Set(&conds, conditions.False(v1alpha1.ConditionRemoteURLValidated, "BlockedEndpoint", "url bad"), 1)
	setEntryValidCondition(&conds, []string{"header X: Secret missing"}, 1)
	e := &v1alpha1.MCPServerEntry{Status: v1alpha1.MCPServerEntryStatus{Conditions: conds}}
	setEntryPhase(e)
	valid := conditions.Get(conds, v1alpha1.ConditionValid)
	if e.Status.Phase != v1alpha1.PhaseFailed || valid.Message != "url bad; header X: Secret missing" {
		t.Fatalf("phase %s valid %+v", e.Status.Phase, valid)
	}
}
