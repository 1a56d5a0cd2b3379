package controllers

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// TestCedarSyntaxErrorsAreConditions (issue 10 item 5): a Cedar syntax error in policies
// or entitiesJson is reported with the parser's line and column, instead of
// IncomingAuthValidated True and a proxy or vmcp that exits at start.
func TestCedarSyntaxErrorsAreConditions(t *testing.T) {
	requireEnv(t)
	ns := "harden-cedar"
	startVMCPManager(t, ns)
	servers := map[string]struct {
		authz, wantInMsg string
	}{
		"bad-policy":   {authz: `{type: inline, inline: {policies: ["permit(principal, action, resource);\nforbid(principal action, resource);"]}}`, wantInMsg: "2:24"},
		"bad-entities": {authz: `{type: inline, inline: {policies: ["permit(principal, action, resource);"], entitiesJson: "[{\"uid\": {\"type\": \"User\", \"id\": \"a\"}, \"parents\": [}]"}}`, wantInMsg: "entitiesJson at line 1, column"},
	}
	for name, tc := range servers {
		createYAML(t, ns, `
metadata: {name: `+name+`}
spec: {image: ghcr.io/example/s:1, authzConfig: `+tc.authz+`}`, &v1alpha1.MCPServer{})
	}
	for name, tc := range servers {
		t.Run("MCPServer "+name, func(t *testing.T) {
			eventually(t, "IncomingAuthValidated False", func() error {
				got := &v1alpha1.MCPServer{}
				if err := get(ns, name, got); err != nil {
					return err
				}
				c := conditions.Get(got.Status.Conditions, v1alpha1.ConditionIncomingAuthValidated)
				if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, tc.wantInMsg) || got.Status.Phase != v1alpha1.PhaseFailed {
					return errorf("phase %s, condition %+v; want False naming %q", got.Status.Phase, c, tc.wantInMsg)
				}
				return nil
			})
		})
	}
	t.Run("VirtualMCPServer bad policy", func(t *testing.T) {
		createYAML(t, ns, `
metadata: {name: gw}
spec:
  groupRef: {name: g}
  incomingAuth:
    type: anonymous
    authzConfig: {type: inline, inline: {policies: ["permit(principal, action, resource)\nforbid(principal, action, resource);"]}}
  config:
    backends: [{name: a, url: "https://mcp.example.com/mcp"}]
`, &v1alpha1.VirtualMCPServer{})
		createYAML(t, ns, `metadata: {name: g}`, &v1alpha1.MCPGroup{})
		waitVMCP(t, ns, "gw", "failed with the parser's position", func(v *v1alpha1.VirtualMCPServer) error {
			for _, c := range v.Status.Conditions {
				if c.Status == metav1.ConditionFalse && strings.Contains(c.Message, "incomingAuth.authz") && strings.Contains(c.Message, "2:7") {
					if v.Status.Phase != v1alpha1.PhaseFailed {
						return errorf("phase %s", v.Status.Phase)
					}
					return nil
				}
			}
			return errorf("phase %s, no False condition naming incomingAuth.authz at 2:7: %+v", v.Status.Phase, v.Status.Conditions)
		})
	})
}
