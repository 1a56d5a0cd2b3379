package runner

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

// TestPrometheusSwitch: with prometheus false (an MCPTelemetryConfig whose
// prometheus.enabled is false) the runner has no /metrics endpoint while MCP keeps
// working; unset, /metrics serves the runner's request counters.
func TestPrometheusSwitch(t *testing.T) {
	tests := map[string]struct {
		prometheus *bool
		wantStatus int
	}{
		"unset serves /metrics":    {nil, http.StatusOK},
		"enabled serves /metrics":  {ptrTo(true), http.StatusOK},
		"disabled has no /metrics": {ptrTo(false), http.StatusNotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
			cfg.Prometheus = tc.prometheus
			base, _ := startRunner(t, cfg, Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			call(t, ctx, connect(t, ctx, base, runconfig.TransportStreamableHTTP, nil), "echo", map[string]any{"message": "m"})
			resp, err := http.Get(base + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("/metrics status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if has := strings.Contains(string(b), "proxyrunner_http_requests_total"); has != (tc.wantStatus == http.StatusOK) {
				t.Fatalf("/metrics body has request counters = %v, want %v:\n%.300s", has, tc.wantStatus == http.StatusOK, b)
			}
		})
	}
}

func ptrTo[T any](v T) *T { return &v }
