package v1alpha1

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestProxySpecDefaults(t *testing.T) {
	yes, no, three := true, false, int32(3)
	tests := map[string]struct {
		in           ProxySpec
		audit, trust bool
		replicas     int32
	}{
		"unset":          {in: ProxySpec{}, replicas: 1},
		"audit disabled": {in: ProxySpec{Audit: &Audit{}}, replicas: 1},
		"audit enabled":  {in: ProxySpec{Audit: &Audit{Enabled: true}}, audit: true, replicas: 1},
		"trust false":    {in: ProxySpec{TrustProxyHeaders: &no}, replicas: 1},
		"trust true":     {in: ProxySpec{TrustProxyHeaders: &yes}, trust: true, replicas: 1},
		"three replicas": {in: ProxySpec{Replicas: &three}, replicas: 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.in.AuditEnabled(); got != tc.audit {
				t.Errorf("AuditEnabled() = %v, want %v", got, tc.audit)
			}
			if got := tc.in.TrustsProxyHeaders(); got != tc.trust {
				t.Errorf("TrustsProxyHeaders() = %v, want %v", got, tc.trust)
			}
			if got := tc.in.ProxyReplicas(); got != tc.replicas {
				t.Errorf("ProxyReplicas() = %d, want %d", got, tc.replicas)
			}
		})
	}
}

// The shared settings are inline: on the wire they sit directly under spec, as before the
// struct was shared, for both kinds; and both kinds report the same unsupported shared fields.
func TestProxySpecIsInline(t *testing.T) {
	shared := ProxySpec{
		Replicas:       new(int32),
		AuthServerRef:  &AuthServerRef{Kind: "MCPExternalAuthConfig", Name: "embedded"},
		SessionStorage: &SessionStorage{Provider: "redis"},
	}
	specs := map[string]any{
		"MCPServer":      MCPServerSpec{Image: "ghcr.io/example/mcp:1", ProxySpec: shared},
		"MCPRemoteProxy": MCPRemoteProxySpec{RemoteURL: "https://mcp.example.com/mcp", ProxySpec: shared},
	}
	for kind, spec := range specs {
		raw, err := json.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(raw, &top); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"replicas", "authServerRef", "sessionStorage"} {
			if _, ok := top[key]; !ok {
				t.Errorf("%s: spec JSON %s has no top-level %q", kind, raw, key)
			}
		}
		if _, ok := top["ProxySpec"]; ok {
			t.Errorf("%s: spec JSON nests the shared settings: %s", kind, raw)
		}
	}
	server := MCPServerSpec{ProxySpec: shared}
	proxy := MCPRemoteProxySpec{ProxySpec: shared}
	want := []string{"spec.authServerRef", "spec.sessionStorage (provider redis)"}
	for kind, got := range map[string][]string{"MCPServer": server.UnsupportedFields(), "MCPRemoteProxy": proxy.UnsupportedFields()} {
		if !slices.Equal(got, want) {
			t.Errorf("%s: UnsupportedFields() = %q, want %q", kind, got, want)
		}
	}
}
