package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

// TestEndpointPrefixSSEUpstream: an SSE server (server-everything) behind the reverse
// proxy with endpointPrefix /team-a, reached through an ingress that routes /team-a and
// strips it. The announced message endpoint carries the prefix, so the SDK client's
// POSTs come back through the ingress and a tool call works; without the prefix they
// would miss the ingress route.
func TestEndpointPrefixSSEUpstream(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	up := mcpnpm.StartEverything(t, "sse")
	base, _ := startRunner(t, &runconfig.Config{Name: "everything", Transport: runconfig.TransportSSE, Target: up.URL,
		EndpointPrefix: "/team-a/"}, Options{})
	target, _ := url.Parse(base)
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) }, FlushInterval: -1}
	var routed, missed atomic.Int64
	ingress := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/team-a/") {
			missed.Add(1)
			http.NotFound(w, r)
			return
		}
		routed.Add(1)
		r.URL.Path = strings.TrimPrefix(r.URL.Path, "/team-a")
		r.URL.RawPath = ""
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ingress.Close)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "prefix", Version: "1"}, nil).Connect(ctx,
		&mcp.SSEClientTransport{Endpoint: ingress.URL + "/team-a/sse"}, nil)
	if err != nil {
		t.Fatalf("connect through the ingress: %v (missed routes: %d)", err, missed.Load())
	}
	defer cs.Close()
	if got := call(t, ctx, cs, "echo", map[string]any{"message": "prefixed"}); !strings.Contains(got, "prefixed") {
		t.Fatalf("echo = %q", got)
	}
	if missed.Load() != 0 || routed.Load() < 3 {
		t.Fatalf("ingress routed %d requests and missed %d; want every request under /team-a", routed.Load(), missed.Load())
	}
}
