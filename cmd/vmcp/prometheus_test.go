package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
)

// TestServePrometheusPort runs `vmcp serve` with telemetry.prometheusPort: /metrics is
// served on that port, and on the MCP port only while metricsOnTransportPort is not false.
func TestServePrometheusPort(t *testing.T) {
	up := mcpnpm.StartEverything(t, "streamableHttp")
	tests := map[string]struct {
		onTransport   string
		wantTransport int
	}{
		"metricsOnTransportPort unset": {"", http.StatusOK},
		"metricsOnTransportPort false": {"\n  metricsOnTransportPort: false", http.StatusNotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			port, metricsPort := mcpnpm.FreePort(t), mcpnpm.FreePort(t)
			cfg := filepath.Join(t.TempDir(), "c.yaml")
			conf := fmt.Sprintf("name: gw\nbackends: [{name: everything, url: '%s'}]\ntelemetry:\n  serviceName: gw\n  enablePrometheusMetricsPath: true\n  prometheusPort: %d%s\n",
				up.URL, metricsPort, tc.onTransport)
			if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			exited := make(chan int)
			var out bytes.Buffer
			go func() {
				exited <- run(ctx, []string{"serve", "--config", cfg, "--port", strconv.Itoa(port)}, &out, &out)
			}()
			defer func() {
				cancel()
				if code := <-exited; code != 0 {
					t.Errorf("serve exited with %d:\n%s", code, out.String())
				}
			}()
			get := func(p int) (int, string) {
				resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", p))
				if err != nil {
					return 0, err.Error()
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			deadline := time.Now().Add(30 * time.Second)
			code, body := get(metricsPort)
			for code != http.StatusOK && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
				code, body = get(metricsPort)
			}
			if code != http.StatusOK || !strings.Contains(body, "vmcp_") {
				t.Fatalf("metrics port: %d %.200s\n%s", code, body, out.String())
			}
			if code, body := get(port); code != tc.wantTransport {
				t.Fatalf("MCP port /metrics: %d, want %d (%.200s)", code, tc.wantTransport, body)
			}
		})
	}
}
