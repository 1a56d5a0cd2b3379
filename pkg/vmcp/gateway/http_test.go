package gateway

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestEndpoints checks /health, /readyz, /metrics and the DNS-rebinding guard.
func TestEndpoints(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}})
	base := strings.TrimSuffix(url, "/mcp")
	cs := connect(t, url, "2025-11-25", nil)
	callText(t, cs, "c_count", map[string]any{})

	get := func(path, host string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := map[string]struct {
		path, host string
		code       int
		contains   []string
	}{
		"health": {path: "/health", code: 200, contains: []string{`"ok"`}},
		"readyz": {path: "/readyz", code: 200, contains: []string{`"ready":true`, `"Name":"c"`, `"Status":"ready"`}},
		"metrics": {path: "/metrics", code: 200, contains: []string{
			`vmcp_backend_requests_total{backend="c",method="tools/call"} 1`,
			`vmcp_backend_request_duration_seconds_count{backend="c",method="tools/call"} 1`,
			`vmcp_backend_circuit_state{backend="c"} 0`, `vmcp_backend_healthy{backend="c"} 1`,
			`vmcp_backend_sessions{backend="c"} 2`, "vmcp_client_sessions 1",
			// the default 30s timeout is a bucket: a timed-out call is not lost in +Inf
			`vmcp_backend_request_duration_seconds_bucket{backend="c",method="tools/call",le="30"} 1`,
			"go_goroutines ", "go_memstats_heap_alloc_bytes ", "process_resident_memory_bytes "}},
		"rebinding host rejected": {path: "/health", host: "evil.example:80", code: 403},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, body := get(tc.path, tc.host)
			// A call's duration is observed when the backend's stream ends, which may be
			// just after the client has its answer: give /metrics a moment to catch up.
			for deadline := time.Now().Add(5 * time.Second); code == tc.code && time.Now().Before(deadline) && !containsAll(body, tc.contains); {
				time.Sleep(50 * time.Millisecond)
				code, body = get(tc.path, tc.host)
			}
			if code != tc.code {
				t.Fatalf("status %d, want %d: %s", code, tc.code, body)
			}
			for _, c := range tc.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks %q:\n%s", c, body)
				}
			}
		})
	}
}

// TestPaginationAndCancellation checks that discovery follows the backend's
// cursors and that a client's cancellation reaches the backend.
func TestPaginationAndCancellation(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}})
	cs := connect(t, url, "2025-11-25", nil)
	if got := toolNames(t, cs); !slices.Equal(got, []string{"c_count", "c_fail", "c_wait"}) {
		t.Fatalf("tools over two backend pages: %v", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "c_wait", Arguments: map[string]any{}}); err == nil {
		t.Fatal("a call cancelled by the client succeeded")
	}
	eventually(t, 5*time.Second, "the backend to see the cancellation", func() bool { return be.cancelled.Load() == 1 })
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
