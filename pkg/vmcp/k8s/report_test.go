package k8s

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/gateway"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
)

// operatorFieldManager is the operator's status field manager (controllers.VMCPStatusFieldManager).
const operatorFieldManager = "virtualmcpserver-controller"

// TestReportWritesHeartbeat (issue 10 item 13): on a real kube-apiserver, vmcp's status
// reporter writes its backends' health and a heartbeat (status.runtime.lastReportTime)
// that every report renews, under its own field manager, and leaves the fields the
// operator owns (status.discoveredBackends, phase, BackendsDiscovered) as they were.
func TestReportWritesHeartbeat(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kube-apiserver")
	}
	cp, err := localcp.Start(localcp.Options{RepoRoot: mcpnpm.RepoRoot(t), Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dc := dynamic.NewForConfigOrDie(cp.Config)
	vmcps := dc.Resource(resVirtualMCPServers).Namespace("default")
	v := &v1alpha1.VirtualMCPServer{}
	if err := yaml.UnmarshalStrict([]byte(`
apiVersion: toolhive.stacklok.dev/v1alpha1
kind: VirtualMCPServer
metadata: {name: gw, namespace: default}
spec:
  incomingAuth: {type: anonymous}
  config:
    backends: [{name: docs, url: "http://127.0.0.1:1/mcp"}]
    operational: {failureHandling: {statusReportingInterval: 1s}}
`), v); err != nil {
		t.Fatal(err)
	}
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vmcps.Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// What the operator owns, written as it writes it.
	operator := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(), "kind": "VirtualMCPServer",
		"metadata": map[string]any{"name": "gw", "namespace": "default"},
		"status": map[string]any{"phase": "Ready", "backendCount": int64(1),
			"discoveredBackends": []any{map[string]any{"name": "docs", "status": "unknown", "message": "the operator's entry"}},
			"conditions": []any{map[string]any{"type": v1alpha1.ConditionBackendsDiscovered, "status": "True", "reason": "Discovered",
				"message": "the operator's condition", "lastTransitionTime": "2026-01-01T00:00:00Z"}}},
	}}
	if _, err := vmcps.ApplyStatus(ctx, "gw", operator, metav1.ApplyOptions{FieldManager: operatorFieldManager, Force: true}); err != nil {
		t.Fatal(err)
	}
	m, err := Start(ctx, Options{Name: "gw", Namespace: "default", Config: v.Spec.Config, REST: cp.Config, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	get := func() *v1alpha1.VirtualMCPServer {
		t.Helper()
		u, err := vmcps.Get(ctx, "gw", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := &v1alpha1.VirtualMCPServer{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	report := func() *v1alpha1.VirtualMCPServer {
		t.Helper()
		snaps := []gateway.BackendSnapshot{{Name: "docs", URL: "http://127.0.0.1:1/mcp", Status: health.StatusReady, LastHealthCheck: time.Now(), CircuitBreakerState: health.CircuitClosed}}
		if err := m.Report(ctx, snaps, nil); err != nil {
			t.Fatal(err)
		}
		return get()
	}

	before := time.Now().Truncate(time.Second)
	first := report()
	rt := first.Status.Runtime
	if rt == nil || rt.LastReportTime == nil {
		t.Fatalf("no heartbeat written: runtime %+v", rt)
	}
	if hb := rt.LastReportTime.Time; hb.Before(before) || hb.After(time.Now()) {
		t.Fatalf("heartbeat %s, want between %s and now", hb, before)
	}
	if len(rt.DiscoveredBackends) != 1 || rt.DiscoveredBackends[0].Status != v1alpha1.BackendReady || rt.BackendCount == nil || *rt.BackendCount != 1 {
		t.Fatalf("runtime backends %+v count %v", rt.DiscoveredBackends, rt.BackendCount)
	}
	if c := conditions.Get(first.Status.Conditions, v1alpha1.ConditionToolsAggregated); c == nil || c.Status != metav1.ConditionTrue {
		t.Fatalf("ToolsAggregated %+v", c)
	}
	// The operator's fields are untouched.
	if first.Status.Phase != v1alpha1.PhaseReady || len(first.Status.DiscoveredBackends) != 1 || first.Status.DiscoveredBackends[0].Message != "the operator's entry" {
		t.Fatalf("operator's fields changed: %+v", first.Status)
	}
	if c := conditions.Get(first.Status.Conditions, v1alpha1.ConditionBackendsDiscovered); c == nil || c.Message != "the operator's condition" {
		t.Fatalf("operator's BackendsDiscovered changed: %+v", c)
	}

	// The next report renews the heartbeat (it has second precision).
	time.Sleep(1100 * time.Millisecond)
	second := report()
	if !second.Status.Runtime.LastReportTime.After(rt.LastReportTime.Time) {
		t.Fatalf("heartbeat not renewed: %s then %s", rt.LastReportTime, second.Status.Runtime.LastReportTime)
	}
}
