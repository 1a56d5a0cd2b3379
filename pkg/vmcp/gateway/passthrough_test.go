package gateway

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// headerClient adds fixed headers to every request of the client.
type headerClient struct {
	h    http.Header
	next http.RoundTripper
}

func (c headerClient) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range c.h {
		r.Header[k] = v
	}
	return c.next.RoundTrip(r)
}

// TestPassthroughHeaders: the headers config.passthroughHeaders names travel from the
// client to the backend (tools/call on the fast path, the client's backend session opened through the SDK), other
// client headers do not.
func TestPassthroughHeaders(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{
		Backends:           []config.StaticBackend{{Name: "c", URL: be.URL}},
		PassthroughHeaders: []string{"x-tenant", "X-Request-Id"},
	})
	hc := &http.Client{Transport: headerClient{next: http.DefaultTransport, h: http.Header{
		"X-Tenant": {"acme"}, "X-Request-Id": {"r-1"}, "X-Other": {"secret"}}}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "pt", Version: "1"}, nil).Connect(ctx,
		&mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	var tool string
	for _, n := range toolNames(t, cs) {
		if len(n) >= 5 && n[len(n)-5:] == "count" {
			tool = n
		}
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	// initialize opens the client's own backend session (SDK path); tools/call takes the
	// fast path. Discovery's tools/list has no client and carries none.
	for _, method := range []string{"tools/call", "initialize"} {
		h := be.headersOf(method)
		if h == nil {
			t.Fatalf("the backend saw no %s", method)
		}
		if h.Get("X-Tenant") != "acme" || h.Get("X-Request-Id") != "r-1" {
			t.Errorf("%s: X-Tenant %q X-Request-Id %q, want acme and r-1", method, h.Get("X-Tenant"), h.Get("X-Request-Id"))
		}
		if h.Get("X-Other") != "" {
			t.Errorf("%s: X-Other passed through although not listed", method)
		}
	}
}
