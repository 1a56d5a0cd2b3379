package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/internal/testutil/otelcol"
	"github.com/mcp-operator/mcp-operator/internal/testutil/testca"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/telemetry"
)

// TestTelemetryToCollector sends a real MCP tools/call through the proxy runner and
// checks that a real OpenTelemetry Collector received its span and its duration
// metric, carrying the configured service name, resource and environment attributes;
// a second runner with samplingRate 0 exports metrics but no spans.
func TestTelemetryToCollector(t *testing.T) {
	col := otelcol.Start(t)
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
	t.Setenv("OTEL_METRIC_EXPORT_INTERVAL", "200")
	t.Setenv("TEAM_NAME", "platform")
	tel := func(service, rate string) *telemetry.Config {
		return &telemetry.Config{Endpoint: col.Endpoint, Insecure: true, ServiceName: service,
			TracingEnabled: true, MetricsEnabled: true, SamplingRate: rate, UseLegacyAttributes: true,
			ResourceAttributes:   map[string]string{"deployment.environment": "test"},
			EnvironmentVariables: []string{"TEAM_NAME"}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	cfg := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
	cfg.Telemetry = tel("proxy-otel", "1")
	base, _ := startRunner(t, cfg, Options{})
	cs := connect(t, ctx, base, runconfig.TransportStreamableHTTP, nil)
	if got := call(t, ctx, cs, "echo", map[string]any{"message": "traced"}); got == "" {
		t.Fatal("echo returned nothing")
	}

	span := col.WaitSpan(t, 20*time.Second, func(s otelcol.Span) bool {
		return s.Resource["service.name"] == "proxy-otel" && s.Attrs["mcp.method.name"] == "tools/call"
	})
	want := map[string]string{"gen_ai.tool.name": "echo", "mcp.tool.name": "echo", "mcp.method": "tools/call",
		"rpc.system": "jsonrpc", "environment.TEAM_NAME": "platform", "http.response.status_code": "200"}
	for k, v := range want {
		if span.Attrs[k] != v {
			t.Errorf("span attribute %s = %q, want %q (all: %v)", k, span.Attrs[k], v, span.Attrs)
		}
	}
	if span.Name != "tools/call echo" || span.Kind != 2 {
		t.Errorf("span name %q kind %d, want \"tools/call echo\" kind 2 (server)", span.Name, span.Kind)
	}
	if span.Resource["deployment.environment"] != "test" {
		t.Errorf("resource attributes %v lack deployment.environment=test", span.Resource)
	}
	col.WaitMetric(t, 20*time.Second, func(m otelcol.Metric) bool {
		return m.Name == "mcp.server.operation.duration" && m.Resource["service.name"] == "proxy-otel" &&
			m.Attrs["mcp.method.name"] == "tools/call" && m.Attrs["gen_ai.tool.name"] == "echo"
	})
	col.WaitMetric(t, 20*time.Second, func(m otelcol.Metric) bool {
		return m.Name == "toolhive_mcp_requests" && m.Resource["service.name"] == "proxy-otel" && m.Attrs["mcp_method"] == "tools/call"
	})

	unsampled := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
	unsampled.Telemetry = tel("proxy-unsampled", "0")
	base2, _ := startRunner(t, unsampled, Options{})
	call(t, ctx, connect(t, ctx, base2, runconfig.TransportStreamableHTTP, nil), "echo", map[string]any{"message": "x"})
	col.WaitMetric(t, 20*time.Second, func(m otelcol.Metric) bool {
		return m.Name == "mcp.server.operation.duration" && m.Resource["service.name"] == "proxy-unsampled"
	})
	time.Sleep(time.Second) // spans would have been exported within the 100ms batch delay
	spans, _ := col.Received(t)
	for _, s := range spans {
		if s.Resource["service.name"] == "proxy-unsampled" {
			t.Fatalf("samplingRate 0 exported span %q", s.Name)
		}
	}
}

// TestTelemetryOverTLS: the collector's OTLP receiver speaks TLS with a certificate of a
// CA generated here; the runner trusts that CA only through caCertPath (what the
// operator mounts from MCPTelemetryConfig openTelemetry.caBundleRef), and its span
// arrives. Without the CA the system roots refuse the certificate and nothing arrives.
func TestTelemetryOverTLS(t *testing.T) {
	ca, err := testca.New()
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := ca.ServerPEM()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string][]byte{"server.crt": certPEM, "server.key": keyPEM, "ca.crt": ca.CertPEM}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	col := otelcol.StartTLS(t, filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key"))
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run := func(service, caPath string) {
		cfg := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
		cfg.Telemetry = &telemetry.Config{Endpoint: col.Endpoint, ServiceName: service, TracingEnabled: true,
			SamplingRate: "1", CACertPath: caPath}
		base, _ := startRunner(t, cfg, Options{})
		call(t, ctx, connect(t, ctx, base, runconfig.TransportStreamableHTTP, nil), "echo", map[string]any{"message": "tls"})
	}
	run("proxy-untrusted", "")
	run("proxy-tls", filepath.Join(dir, "ca.crt"))
	col.WaitSpan(t, 20*time.Second, func(s otelcol.Span) bool {
		return s.Resource["service.name"] == "proxy-tls" && s.Attrs["mcp.method.name"] == "tools/call"
	})
	time.Sleep(500 * time.Millisecond)
	spans, _ := col.Received(t)
	for _, s := range spans {
		if s.Resource["service.name"] == "proxy-untrusted" {
			t.Fatalf("a runner without the CA bundle exported span %q over TLS", s.Name)
		}
	}
}
