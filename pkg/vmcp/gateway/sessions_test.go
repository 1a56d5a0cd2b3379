package gateway

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestBackendSessionReuse proves that N calls from one client session use one
// backend session and one backend request each, that each client session gets its
// own backend session, and that ending a client session closes its backend session.
func TestBackendSessionReuse(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}})
	if got := be.opened.Load(); got != 1 {
		t.Fatalf("after discovery the backend has %d sessions, want 1 (the shared discovery/health session)", got)
	}
	const n = 25
	cs := connect(t, url, "2025-11-25", nil)
	callText(t, cs, "c_count", map[string]any{"warm": true})
	postsBefore, callsBefore := be.posts.Load(), be.calls.Load()
	for i := range n {
		text, _ := callText(t, cs, "c_count", map[string]any{"i": i})
		if text != fmt.Sprintf(`{"i":%d}`, i) {
			t.Fatalf("call %d: arguments did not arrive intact: %q", i, text)
		}
	}
	if got := be.opened.Load(); got != 2 {
		t.Errorf("after %d calls from one client session the backend saw %d sessions, want 2 (shared + this client's)", n+1, got)
	}
	if got := be.calls.Load() - callsBefore; got != n {
		t.Errorf("backend tool calls = %d, want %d", got, n)
	}
	if got := be.posts.Load() - postsBefore; got != n {
		t.Errorf("backend HTTP requests for %d calls = %d, want %d (one per call)", n, got, n)
	}

	other := connect(t, url, "2025-06-18", nil)
	callText(t, other, "c_count", map[string]any{})
	if got := be.opened.Load(); got != 3 {
		t.Errorf("a second client session should get its own backend session: %d sessions, want 3", got)
	}

	if err := cs.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the backend session of the closed client session to close", func() bool {
		return be.closed.Load() == 1
	})

	// Stateless clients (2026-07-28) share the pooled session: no new backend sessions.
	sl := connect(t, url, "2026-07-28", nil)
	for range 5 {
		callText(t, sl, "c_count", map[string]any{})
	}
	if got := be.opened.Load(); got != 3 {
		t.Errorf("stateless calls opened backend sessions: %d, want still 3", got)
	}
}

// TestPassthroughAndAuth checks that structured content and isError results come
// back unchanged, that the client's Authorization header is never forwarded and
// that header_injection adds the configured header.
func TestPassthroughAndAuth(t *testing.T) {
	be := newCountingBackend(t)
	t.Setenv("TEST_BACKEND_KEY", "s3cret")
	url, _ := startGateway(t, &config.Config{
		Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		OutgoingAuth: &config.OutgoingAuth{Default: &config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection,
			HeaderInjection: &config.HeaderInjection{HeaderName: "X-Backend-Key", HeaderValueEnv: "TEST_BACKEND_KEY"}}},
	})
	c := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	hc := &http.Client{Transport: headerRT{"Authorization", "Bearer client-token"}}
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	_, res := callText(t, cs, "c_count", map[string]any{})
	if sc, ok := res.StructuredContent.(map[string]any); !ok || sc["n"] == nil {
		t.Errorf("structured content lost: %#v", res.StructuredContent)
	}
	text, res := callText(t, cs, "c_fail", map[string]any{})
	if !res.IsError || text != "it failed" {
		t.Errorf("isError result changed: isError=%v text=%q", res.IsError, text)
	}
	if got := be.lastAuth.Load(); got != "|s3cret" {
		t.Errorf("backend saw Authorization|X-Backend-Key = %q, want no client token and the injected key", got)
	}
}

type headerRT struct{ name, value string }

func (h headerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

// TestCedarAuthorization checks that Cedar policies from the config filter the
// tool list and gate calls.
func TestCedarAuthorization(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{
		Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthAnonymous, Authz: &config.Authz{Type: config.AuthzCedar,
			Policies: []string{`permit(principal, action, resource);`,
				`forbid(principal, action == Action::"call_tool", resource == Tool::"c_fail");`}}},
	})
	cs := connect(t, url, "2025-11-25", nil)
	if got := toolNames(t, cs); !slices.Equal(got, []string{"c_count", "c_wait"}) {
		t.Errorf("tools visible under the policy: %v", got)
	}
	callText(t, cs, "c_count", map[string]any{})
	if _, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "c_fail", Arguments: map[string]any{}}); err == nil ||
		!strings.Contains(err.Error(), "not authorized") {
		t.Errorf("forbidden call: %v", err)
	}
}
