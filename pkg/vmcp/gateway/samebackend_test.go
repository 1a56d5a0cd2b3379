package gateway

import (
	"testing"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestSameBackend guards against comparing pointers by address: a source that builds
// fresh Auth values on every change must not make the gateway redial unchanged backends.
func TestSameBackend(t *testing.T) {
	auth := func(env string) *config.BackendAuthStrategy {
		return &config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection,
			HeaderInjection: &config.HeaderInjection{HeaderName: "X-Key", HeaderValueEnv: env}}
	}
	base := backend.Backend{Name: "a", URL: "http://127.0.0.1:1/mcp", Transport: config.TransportStreamableHTTP, Auth: auth("K")}
	tests := map[string]struct {
		other backend.Backend
		want  bool
	}{
		"identical values, fresh auth pointer": {backend.Backend{Name: "a", URL: base.URL, Transport: base.Transport, Auth: auth("K")}, true},
		"different auth env":                   {backend.Backend{Name: "a", URL: base.URL, Transport: base.Transport, Auth: auth("OTHER")}, false},
		"different url":                        {backend.Backend{Name: "a", URL: "http://127.0.0.1:2/mcp", Transport: base.Transport, Auth: auth("K")}, false},
		"auth removed":                         {backend.Backend{Name: "a", URL: base.URL, Transport: base.Transport}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := sameBackend(base, tc.other); got != tc.want {
				t.Fatalf("sameBackend = %v, want %v", got, tc.want)
			}
		})
	}
}
