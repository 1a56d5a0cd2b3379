package members

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestDiscover(t *testing.T) {
	header := config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection}
	auth := Resolved{
		OutgoingAuth: &config.OutgoingAuth{Default: &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated},
			Backends: map[string]config.BackendAuthStrategy{"srv": header}},
		Refs:     map[string]string{"srv": "ea"},
		Excluded: map[string]string{"bad": `backend bad: MCPExternalAuthConfig "gone" not found in this namespace`},
	}
	all := []Member{
		{Kind: KindMCPServer, Name: "bad", URL: "http://bad/mcp", AuthConfigRef: "gone"},
		{Kind: KindMCPServerEntry, Name: "new", URL: "http://new/mcp", Skipped: "not validated by the operator yet"},
		{Kind: KindMCPServerEntry, Name: "off", URL: "http://off/mcp", Skipped: "invalid: loopback refused"},
		{Kind: KindMCPServer, Name: "srv", URL: "http://srv/mcp", AuthConfigRef: "ea"},
		{Kind: KindMCPServerEntry, Name: "srv", URL: "http://srv2/mcp", Skipped: "the name is already used by MCPServer srv in the group; rename one of them"},
		{Kind: KindMCPRemoteProxy, Name: "static", URL: "http://member/mcp"},
	}
	got := Discover([]config.StaticBackend{{Name: "static", URL: "http://static/mcp"}}, all, auth)
	want := Discovery{
		Backends: []v1alpha1.DiscoveredBackend{
			{Name: "static", URL: "http://static/mcp", AuthType: "unauthenticated"},
			{Name: "bad", URL: "http://bad/mcp", AuthConfigRef: "gone", Status: v1alpha1.BackendUnavailable,
				Message: `MCPServer bad is left out until its outgoing auth resolves: backend bad: MCPExternalAuthConfig "gone" not found in this namespace`},
			{Name: "new", URL: "http://new/mcp", Status: v1alpha1.BackendUnknown, Message: "MCPServerEntry new is not used: not validated by the operator yet"},
			{Name: "off", URL: "http://off/mcp", Status: v1alpha1.BackendUnavailable, Message: "MCPServerEntry off is not used: invalid: loopback refused"},
			{Name: "srv", URL: "http://srv/mcp", AuthType: "header_injection", AuthConfigRef: "ea"},
		},
		LeftOut: map[string]bool{"bad": true, "new": true, "off": true},
		Shadowed: []string{
			"MCPServerEntry srv is not used: the name is already used by MCPServer srv in the group; rename one of them",
			"MCPRemoteProxy static is not used: the name is already used by a static backend in spec.config.backends; rename one of them",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("-want +got:\n%s", diff)
	}
	if got.Served() != 2 {
		t.Fatalf("served %d, want 2", got.Served())
	}
}
