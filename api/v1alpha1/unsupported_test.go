package v1alpha1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/ptr"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestUnsupportedFields(t *testing.T) {
	tests := map[string]struct {
		got  []string
		want []string
	}{
		"plain MCPServer": {got: (&MCPServerSpec{Image: "x"}).UnsupportedFields()},
		"MCPServer extras": {
			got: (&MCPServerSpec{Image: "x", ProxySpec: ProxySpec{TelemetryConfigRef: &TelemetryConfigRef{Name: "t"}, TrustProxyHeaders: ptr.To(false), AuthzConfig: &AuthzConfig{RoleClaimName: "roles"}}}).UnsupportedFields(),
			// telemetryConfigRef takes effect: not listed.
			want: []string{"spec.authzConfig.roleClaimName"},
		},
		"VirtualMCPServer config": {
			got: (&VirtualMCPServerSpec{Config: &config.Config{CodeMode: &config.CodeMode{},
				OutgoingAuth: &config.OutgoingAuth{Default: &config.BackendAuthStrategy{OBO: &config.StrategyOBO{}}}}}).UnsupportedFields(),
			want: []string{"spec.config.codeMode", "spec.config.outgoingAuth.default.obo"},
		},
		"forEach extras": {
			got: (&VirtualMCPServerSpec{Config: &config.Config{CompositeTools: []config.CompositeTool{{Name: "t", Steps: []config.WorkflowStep{
				{ID: "a", Type: config.StepForEach, Tool: "b.c", Collection: "{{.params.xs}}", ItemVar: "x", MaxParallel: ptr.To[int64](2)},
				{ID: "d", Type: config.StepForEach, Tool: "b.c", Collection: "{{.params.xs}}"}}}}}}).UnsupportedFields(),
			want: []string{"spec.config.compositeTools[t].steps[a].itemVar", "spec.config.compositeTools[t].steps[a].maxParallel"},
		},
		"proxy inline OIDC": {
			got: (&MCPRemoteProxySpec{RemoteURL: "https://r", ProxySpec: ProxySpec{OIDCConfig: &OIDCConfig{Type: "inline",
				Inline: &InlineOIDCConfig{Issuer: "https://idp", IntrospectionURL: "https://idp/introspect"}}}}).UnsupportedFields(),
			want: []string{"spec.oidcConfig.inline.introspectionUrl"},
		},
		"VirtualMCPServer inline OIDC": {
			got: (&VirtualMCPServerSpec{IncomingAuth: &IncomingAuth{Type: "oidc", OIDCConfig: &OIDCConfig{Type: "inline",
				Inline: &InlineOIDCConfig{Issuer: "https://idp", IntrospectionURL: "https://idp/introspect"}}}}).UnsupportedFields(),
			want: []string{"spec.incomingAuth.oidcConfig.inline.introspectionUrl"},
		},
		"MCPOIDCConfig cluster auth": {
			got: (&MCPOIDCConfigSpec{Type: "kubernetesServiceAccount",
				KubernetesServiceAccount: &MCPOIDCConfigSpecKubernetesServiceAccount{UseClusterAuth: ptr.To(true)}}).UnsupportedFields(),
			want: []string{"spec.kubernetesServiceAccount.useClusterAuth"},
		},
		"proxy session storage": {
			got:  (&MCPRemoteProxySpec{ProxySpec: ProxySpec{SessionStorage: &SessionStorage{Provider: config.SessionStorageRedis, Address: "r:6379"}}}).UnsupportedFields(),
			want: []string{"spec.sessionStorage (provider redis)"},
		},
		"proxy memory sessions": {
			got: (&MCPServerSpec{Image: "x", ProxySpec: ProxySpec{SessionStorage: &SessionStorage{Provider: config.SessionStorageMemory}}}).UnsupportedFields(),
		},
		"external auth type": {
			got:  (&MCPExternalAuthConfigSpec{Type: "awsSts"}).UnsupportedFields(),
			want: []string{"spec.awsSts"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnsupportedReason(t *testing.T) {
	got := UnsupportedReason([]string{"spec.volumes", "spec.config.aggregation.tools[a-b].excludeAll"})
	if want := "SpecVolumes,SpecConfigAggregationToolsABExcludeAll"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
