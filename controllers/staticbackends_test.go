package controllers

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// TestStaticBackendsAreChecked (issue 10 item 4): static backends in
// spec.config.backends obey the entries' URL rules, and stdio commands are refused.
func TestStaticBackendsAreChecked(t *testing.T) {
	requireEnv(t)
	ns := "harden-static"
	startVMCPManager(t, ns)
	tests := map[string]struct {
		backends  string
		wantValid bool
		wantInMsg string
	}{
		"stdio":             {backends: `[{name: sh, transport: stdio, command: /bin/sh, args: [-c, id]}]`, wantInMsg: "stdio backends run a command"},
		"metadata":          {backends: `[{name: m, url: "http://169.254.169.254/latest/meta-data"}]`, wantInMsg: "cloud metadata"},
		"fullwidth loop":    {backends: `[{name: l, url: "http://１２７.０.０.１:18102/mcp"}]`, wantInMsg: "loopback"},
		"resolves to meta":  {backends: `[{name: r, url: "https://meta.resolver.test/mcp"}]`, wantInMsg: "resolves to 169.254.169.254"},
		"private":           {backends: `[{name: p, url: "http://10.1.2.3/mcp"}]`, wantInMsg: "MCPServerEntry with allowPrivateEndpoint"},
		"public is allowed": {backends: `[{name: ok, url: "https://mcp.example.com/mcp"}]`, wantValid: true},
	}
	i := 0
	for name, tc := range tests {
		i++
		vname := "static" + string(rune('a'+i))
		t.Run(name, func(t *testing.T) {
			createYAML(t, ns, `
metadata: {name: `+vname+`}
spec:
  incomingAuth: {type: anonymous}
  config:
    backends: `+tc.backends+`
`, &v1alpha1.VirtualMCPServer{})
			waitVMCP(t, ns, vname, "Valid checked", func(v *v1alpha1.VirtualMCPServer) error {
				c := conditions.Get(v.Status.Conditions, v1alpha1.ConditionValid)
				if c == nil {
					return errorf("no Valid condition: %+v", v.Status.Conditions)
				}
				if tc.wantValid {
					if c.Status != metav1.ConditionTrue {
						return errorf("Valid %+v, want True", c)
					}
					return nil
				}
				if c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, tc.wantInMsg) || v.Status.Phase != v1alpha1.PhaseFailed {
					return errorf("phase %s Valid %+v, want False naming %q", v.Status.Phase, c, tc.wantInMsg)
				}
				return nil
			})
		})
	}
}
