package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/internal/testutil/otelcol"
)

// TestServeTelemetryToCollector runs `vmcp serve` with a telemetry section in front of
// the real server-everything, makes a real tools/call and checks that a real
// OpenTelemetry Collector received the span and the duration metric with the
// configured service name and custom attributes.
func TestServeTelemetryToCollector(t *testing.T) {
	col := otelcol.Start(t)
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
	t.Setenv("OTEL_METRIC_EXPORT_INTERVAL", "200")
	up := mcpnpm.StartEverything(t, "streamableHttp")
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	conf := fmt.Sprintf(`name: gw
backends: [{name: everything, url: '%s'}]
telemetry:
  endpoint: %s
  insecure: true
  tracingEnabled: true
  metricsEnabled: true
  samplingRate: "1.0"
  serviceName: vmcp-otel
  customAttributes: {team: platform}
`, up.URL, col.Endpoint)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	port := mcpnpm.FreePort(t)
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
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("vmcp did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url + "/mcp"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "everything_echo", Arguments: map[string]any{"message": "hi"}})
	if err != nil || res.IsError {
		t.Fatalf("everything_echo: %v %+v", err, res)
	}
	span := col.WaitSpan(t, 20*time.Second, func(s otelcol.Span) bool {
		return s.Resource["service.name"] == "vmcp-otel" && s.Attrs["mcp.method.name"] == "tools/call"
	})
	if span.Attrs["gen_ai.tool.name"] != "everything_echo" || span.Resource["team"] != "platform" {
		t.Errorf("span %q attributes %v resource %v: want gen_ai.tool.name=everything_echo, resource team=platform",
			span.Name, span.Attrs, span.Resource)
	}
	if span.Attrs["mcp.tool.name"] != "everything_echo" {
		t.Errorf("useLegacyAttributes defaults to true, but mcp.tool.name is %q", span.Attrs["mcp.tool.name"])
	}
	col.WaitMetric(t, 20*time.Second, func(m otelcol.Metric) bool {
		return m.Name == "mcp.server.operation.duration" && m.Resource["service.name"] == "vmcp-otel" &&
			m.Attrs["gen_ai.tool.name"] == "everything_echo"
	})
}

// TestMetricsPathFollowsTelemetry: a telemetry section without
// enablePrometheusMetricsPath turns /metrics off (as upstream); with it, /metrics serves.
func TestMetricsPathFollowsTelemetry(t *testing.T) {
	for name, tc := range map[string]struct {
		telemetry string
		want      int
	}{
		"no telemetry section": {"", http.StatusOK},
		"prometheus off":       {"telemetry: {enablePrometheusMetricsPath: false}\n", http.StatusNotFound},
		"prometheus on":        {"telemetry: {enablePrometheusMetricsPath: true}\n", http.StatusOK},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(cfg, []byte("backends: [{name: b, url: 'http://127.0.0.1:1/mcp'}]\n"+tc.telemetry), 0o600); err != nil {
				t.Fatal(err)
			}
			port := mcpnpm.FreePort(t)
			ctx, cancel := context.WithCancel(context.Background())
			exited := make(chan int)
			var out bytes.Buffer
			go func() {
				exited <- run(ctx, []string{"serve", "--config", cfg, "--port", strconv.Itoa(port)}, &out, &out)
			}()
			defer func() { cancel(); <-exited }()
			url := fmt.Sprintf("http://127.0.0.1:%d", port)
			deadline := time.Now().Add(10 * time.Second)
			for {
				resp, err := http.Get(url + "/metrics")
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode != tc.want {
						t.Fatalf("/metrics = %d, want %d", resp.StatusCode, tc.want)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("vmcp did not listen: %v\n%s", err, out.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
