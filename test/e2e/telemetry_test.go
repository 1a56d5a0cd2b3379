package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/internal/testutil/otelcol"
)

// TestTelemetryConfigRefEndToEnd: an MCPTelemetryConfig referenced by a
// VirtualMCPServer's telemetryConfigRef is rendered by the operator into the vmcp
// config; the vmcp it renders (run as a local process) exports the span and the
// duration metric of a real tools/call to a real OpenTelemetry Collector, under the
// reference's serviceName and with the shared resource attributes.
func TestTelemetryConfigRefEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs bin/k8s, bin/otelcol, node_modules and ~1 minute")
	}
	col := otelcol.Start(t)
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
	t.Setenv("OTEL_METRIC_EXPORT_INTERVAL", "200")
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	everything := mcpnpm.StartEverything(t, "streamableHttp")
	e.create(ctx, &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Name: "my-services", Namespace: "default"}})
	e.create(ctx, entry("everything", everything.URL))
	e.create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "otel-key", Namespace: "default"},
		StringData: map[string]string{"key": "s3cret"}})
	e.create(ctx, &v1alpha1.MCPTelemetryConfig{ObjectMeta: metav1.ObjectMeta{Name: "otel", Namespace: "default"},
		Spec: v1alpha1.MCPTelemetryConfigSpec{OpenTelemetry: &v1alpha1.MCPTelemetryConfigSpecOpenTelemetry{
			Enabled: ptr.To(true), Endpoint: col.Endpoint, Insecure: ptr.To(true),
			ResourceAttributes: map[string]string{"deployment.environment": "e2e"},
			SensitiveHeaders: []v1alpha1.MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader{{Name: "x-api-key",
				SecretKeyRef: &v1alpha1.SecretKeyRef{Name: "otel-key", Key: "key"}}},
			Tracing: &v1alpha1.MCPTelemetryConfigSpecOpenTelemetryTracing{Enabled: ptr.To(true), SamplingRate: "1.0"},
			Metrics: &v1alpha1.MCPTelemetryConfigSpecOpenTelemetryMetrics{Enabled: ptr.To(true)},
		}}})
	e.create(ctx, &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Name: "my-vmcp", Namespace: "default"},
		Spec: v1alpha1.VirtualMCPServerSpec{GroupRef: &v1alpha1.GroupRef{Name: "my-services"},
			IncomingAuth:       &v1alpha1.IncomingAuth{Type: "anonymous"},
			TelemetryConfigRef: &v1alpha1.TelemetryConfigRef{Name: "otel", ServiceName: "gateway-otel"}}})

	port := mcpnpm.FreePort(t)
	d := localcp.RunDeployment(ctx, localcp.DeploymentOptions{Client: e.c, Namespace: "default", Name: "my-vmcp", Container: "vmcp",
		Binary: filepath.Join(e.bin, "vmcp"), Port: port, ReadyPath: "/readyz", Kubeconfig: e.cp.Kubeconfig, Dir: t.TempDir(),
		Out: syncWriter{e.logs, "vmcp"}})
	t.Cleanup(d.Stop)
	e.vmcpURL = fmt.Sprintf("http://127.0.0.1:%d/mcp", port)
	e.waitFor("phase Ready", func(v *v1alpha1.VirtualMCPServer) error {
		if v.Status.TelemetryConfigHash == "" {
			return fmt.Errorf("status.telemetryConfigHash not published")
		}
		return expect(v, v1alpha1.PhaseReady, map[string]v1alpha1.BackendHealth{"everything": v1alpha1.BackendReady})
	})
	session := e.connect(ctx, make(chan struct{}, 16))
	callText(ctx, t, session, "everything_echo", map[string]any{"message": "otel e2e"}, "otel e2e")

	span := col.WaitSpan(t, 30*time.Second, func(s otelcol.Span) bool {
		return s.Resource["service.name"] == "gateway-otel" && s.Attrs["gen_ai.tool.name"] == "everything_echo"
	})
	if span.Resource["deployment.environment"] != "e2e" || span.Name != "tools/call everything_echo" {
		t.Errorf("span %q resource %v: want name \"tools/call everything_echo\", deployment.environment=e2e", span.Name, span.Resource)
	}
	col.WaitMetric(t, 30*time.Second, func(m otelcol.Metric) bool {
		return m.Name == "mcp.server.operation.duration" && m.Resource["service.name"] == "gateway-otel"
	})
	if t.Failed() {
		t.Logf("process output:\n%s", logs(e.logs))
	}
}
