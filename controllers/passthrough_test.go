package controllers

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestPassthroughHeadersJoinConfig: spec.passthroughHeaders reaches the vmcp config
// file beside spec.config.passthroughHeaders, each name once (case-insensitively).
func TestPassthroughHeadersJoinConfig(t *testing.T) {
	tests := map[string]struct {
		top, inConfig, want []string
	}{
		"none":        {},
		"top only":    {top: []string{"X-Tenant"}, want: []string{"X-Tenant"}},
		"config only": {inConfig: []string{"X-Request-Id"}, want: []string{"X-Request-Id"}},
		"both, dup":   {top: []string{"x-tenant", "X-Trace"}, inConfig: []string{"X-Tenant"}, want: []string{"X-Tenant", "X-Trace"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			spec := v1alpha1.VirtualMCPServerSpec{PassthroughHeaders: tc.top, Config: &config.Config{PassthroughHeaders: tc.inConfig}}
			res := resolveVMCPConfig("gw", spec, vmcpConfigInputs{})
			if diff := cmp.Diff(tc.want, res.cfg.PassthroughHeaders); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
