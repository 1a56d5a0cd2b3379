package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	vmcpk8s "github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s"
)

// backendsByName indexes status.discoveredBackends.
func backendsByName(v *v1alpha1.VirtualMCPServer) map[string]v1alpha1.DiscoveredBackend {
	out := map[string]v1alpha1.DiscoveredBackend{}
	for _, b := range v.Status.DiscoveredBackends {
		out[b.Name] = b
	}
	return out
}

// condIs checks a condition's status, reason and that its message contains inMsg.
func condIs(v *v1alpha1.VirtualMCPServer, t string, status metav1.ConditionStatus, reason, inMsg string) error {
	c := conditions.Get(v.Status.Conditions, t)
	if c == nil || c.Status != status || c.Reason != reason || !strings.Contains(c.Message, inMsg) {
		return fmt.Errorf("%s is %+v, want %s/%s containing %q", t, c, status, reason, inMsg)
	}
	return nil
}

// backendIs checks one discovered backend's status and that its message contains inMsg.
func backendIs(v *v1alpha1.VirtualMCPServer, name string, status v1alpha1.BackendHealth, inMsg string) error {
	b, ok := backendsByName(v)[name]
	if !ok {
		return fmt.Errorf("backend %s not listed in %+v", name, v.Status.DiscoveredBackends)
	}
	if b.Status != status || !strings.Contains(b.Message, inMsg) {
		return fmt.Errorf("backend %s is %s %q, want %s containing %q", name, b.Status, b.Message, status, inMsg)
	}
	return nil
}

// TestVirtualMCPServerReportsDiscovery (issue 10 item 13): the operator lists a
// VirtualMCPServer's backends itself, with no vmcp running at all: served members with
// their outgoing auth, a member whose MCPExternalAuthConfig is missing left out with
// the reason, a member leaving the group disappears. vmcp's health report (written as
// vmcp writes it, under its own field manager) is copied while its heartbeat is
// recent; a heartbeat older than 3 intervals, or none renewed, shows the health
// unknown with BackendHealthReported False (BackendsHealthStale), found by the
// controller's own timer since a stopped vmcp sends no event.
func TestVirtualMCPServerReportsDiscovery(t *testing.T) {
	requireEnv(t)
	ns := "vmcp-discovery"
	startVMCPManager(t, ns)
	ctx := context.Background()
	createYAML(t, ns, `metadata: {name: team}`, &v1alpha1.MCPGroup{})
	createYAML(t, ns, `
metadata: {name: docs}
spec: {remoteUrl: "https://public.resolver.test/mcp", transport: streamable-http, groupRef: {name: team}}`, &v1alpha1.MCPServerEntry{})
	createYAML(t, ns, `
metadata: {name: ctx}
spec: {remoteUrl: "https://public.resolver.test/ctx", transport: streamable-http, groupRef: {name: team}}`, &v1alpha1.MCPRemoteProxy{})
	createYAML(t, ns, `
metadata: {name: fetch}
spec: {image: ghcr.io/example/fetch:1, groupRef: {name: team}, externalAuthConfigRef: {name: missing-auth}}`, &v1alpha1.MCPServer{})
	// Intervals of 2s: a report is stale after 6s (room for a slow reconcile under load).
	createYAML(t, ns, `
metadata: {name: gw}
spec:
  groupRef: {name: team}
  incomingAuth: {type: anonymous}
  outgoingAuth: {source: discovered}
  config:
    operational: {failureHandling: {healthCheckInterval: 2s, statusReportingInterval: 2s, partialFailureMode: best_effort}}
`, &v1alpha1.VirtualMCPServer{})

	t.Run("membership reported with vmcp not running", func(t *testing.T) {
		v := waitVMCP(t, ns, "gw", "members listed", func(v *v1alpha1.VirtualMCPServer) error {
			if len(v.Status.DiscoveredBackends) != 3 || v.Status.BackendCount != 3 {
				return fmt.Errorf("backendCount %d, discoveredBackends %+v", v.Status.BackendCount, v.Status.DiscoveredBackends)
			}
			for _, name := range []string{"ctx", "docs"} {
				if err := backendIs(v, name, v1alpha1.BackendUnknown, "vmcp has not reported"); err != nil {
					return err
				}
			}
			if err := condIs(v, v1alpha1.ConditionBackendHealthReported, metav1.ConditionFalse, v1alpha1.ReasonPending, "not reported"); err != nil {
				return err
			}
			return condIs(v, v1alpha1.ConditionBackendsDiscovered, metav1.ConditionTrue, v1alpha1.ReasonDiscovered, "3 backends discovered")
		})
		b := backendsByName(v)
		if b["docs"].URL != "https://public.resolver.test/mcp" || b["docs"].AuthType != "unauthenticated" {
			t.Errorf("docs: %+v", b["docs"])
		}
		if !strings.HasSuffix(b["ctx"].URL, "/mcp") || !strings.Contains(b["ctx"].URL, "mcp-ctx-remote-proxy") {
			t.Errorf("ctx: %+v", b["ctx"])
		}
		if v.Status.Runtime != nil {
			t.Errorf("status.runtime written with no vmcp: %+v", v.Status.Runtime)
		}
	})

	t.Run("a member whose auth config is missing is left out with the reason", func(t *testing.T) {
		v := waitVMCP(t, ns, "gw", "fetch left out", func(v *v1alpha1.VirtualMCPServer) error {
			if err := backendIs(v, "fetch", v1alpha1.BackendUnavailable, `MCPServer fetch is left out until its outgoing auth resolves: backend fetch: MCPExternalAuthConfig "missing-auth" not found`); err != nil {
				return err
			}
			return condIs(v, v1alpha1.ConditionBackendsDiscovered, metav1.ConditionTrue, v1alpha1.ReasonDiscovered, "2 served, 1 left out (fetch")
		})
		if b := backendsByName(v)["fetch"]; b.AuthConfigRef != "missing-auth" {
			t.Errorf("fetch names auth config %q, want missing-auth", b.AuthConfigRef)
		}
	})

	t.Run("a member removed from the group disappears", func(t *testing.T) {
		// The proxy's own controller writes it too (finalizer, status): retry on conflict.
		if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
			p := &v1alpha1.MCPRemoteProxy{}
			if err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "ctx"}, p); err != nil {
				return err
			}
			p.Spec.GroupRef = nil
			return k8s.Update(ctx, p)
		}); err != nil {
			t.Fatal(err)
		}
		waitVMCP(t, ns, "gw", "ctx gone", func(v *v1alpha1.VirtualMCPServer) error {
			if _, ok := backendsByName(v)["ctx"]; ok || v.Status.BackendCount != 2 {
				return fmt.Errorf("backendCount %d, discoveredBackends %+v", v.Status.BackendCount, v.Status.DiscoveredBackends)
			}
			return nil
		})
	})

	dc := dynamic.NewForConfigOrDie(testCfg)
	var heartbeat time.Time // of the last report written
	report := func(t *testing.T, at time.Time, health v1alpha1.BackendHealth, msg string) {
		t.Helper()
		checked := metav1.NewTime(at.Truncate(time.Second))
		heartbeat = checked.Time
		r := vmcpk8s.Report{
			Backends:  []v1alpha1.DiscoveredBackend{{Name: "docs", URL: "https://public.resolver.test/mcp", Status: health, Message: msg, LastHealthCheck: &checked, CircuitBreakerState: v1alpha1.CircuitClosed}},
			Condition: metav1.Condition{Type: v1alpha1.ConditionBackendsDiscovered, Status: metav1.ConditionTrue, Reason: vmcpk8s.ReasonDiscovered, Message: "1 backends discovered", LastTransitionTime: checked},
			Time:      checked,
		}
		if err := r.Apply(ctx, dc, "gw", ns); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("a heartbeat older than 3 intervals: stale, health not copied", func(t *testing.T) {
		report(t, time.Now().Add(-time.Minute), v1alpha1.BackendUnavailable, "connection refused")
		waitVMCP(t, ns, "gw", "stale", func(v *v1alpha1.VirtualMCPServer) error {
			if err := condIs(v, v1alpha1.ConditionBackendHealthReported, metav1.ConditionFalse, v1alpha1.ReasonBackendsHealthStale, "older than 3 × 2s"); err != nil {
				return err
			}
			return backendIs(v, "docs", v1alpha1.BackendUnknown, "is stale; last reported unavailable")
		})
		expectWarning(t, ns, "gw", "BackendHealthReportedBackendsHealthStale")
	})

	t.Run("a fresh heartbeat: health copied", func(t *testing.T) {
		report(t, time.Now(), v1alpha1.BackendReady, "")
		v := waitVMCP(t, ns, "gw", "copied", func(v *v1alpha1.VirtualMCPServer) error {
			if err := condIs(v, v1alpha1.ConditionBackendHealthReported, metav1.ConditionTrue, v1alpha1.ReasonReported, "vmcp last reported"); err != nil {
				return err
			}
			return backendIs(v, "docs", v1alpha1.BackendReady, "")
		})
		b := backendsByName(v)["docs"]
		if b.LastHealthCheck == nil || b.CircuitBreakerState != v1alpha1.CircuitClosed || b.AuthType != "unauthenticated" {
			t.Errorf("docs: %+v", b)
		}
		if err := backendIs(v, "fetch", v1alpha1.BackendUnavailable, "left out"); err != nil {
			t.Errorf("vmcp's report replaced the operator's left-out entry: %v", err)
		}
	})

	t.Run("no report renewed for 3 intervals: stale by the controller's timer", func(t *testing.T) {
		// No event arrives: only the controller's RequeueAfter finds the report stale.
		waitVMCP(t, ns, "gw", "stale again", func(v *v1alpha1.VirtualMCPServer) error {
			if err := condIs(v, v1alpha1.ConditionBackendHealthReported, metav1.ConditionFalse, v1alpha1.ReasonBackendsHealthStale, ""); err != nil {
				return err
			}
			return backendIs(v, "docs", v1alpha1.BackendUnknown, "last reported ready")
		})
		if age := time.Since(heartbeat); age <= 6*time.Second {
			t.Errorf("stale when the report was %s old, before 3 intervals (6s)", age)
		}
	})

	t.Run("vmcp reports again with the same health: fresh again", func(t *testing.T) {
		report(t, time.Now(), v1alpha1.BackendReady, "")
		waitVMCP(t, ns, "gw", "fresh again", func(v *v1alpha1.VirtualMCPServer) error {
			if err := condIs(v, v1alpha1.ConditionBackendHealthReported, metav1.ConditionTrue, v1alpha1.ReasonReported, ""); err != nil {
				return err
			}
			return backendIs(v, "docs", v1alpha1.BackendReady, "")
		})
	})
}

// expectWarning waits for a Warning event with reason on the VirtualMCPServer.
func expectWarning(t *testing.T, ns, name, reason string) {
	t.Helper()
	eventually(t, "Warning event "+reason, func() error {
		evs := &corev1.EventList{}
		if err := k8s.List(context.Background(), evs, client.InNamespace(ns)); err != nil {
			return err
		}
		for _, e := range evs.Items {
			if e.InvolvedObject.Name == name && e.Type == corev1.EventTypeWarning && e.Reason == reason {
				return nil
			}
		}
		return fmt.Errorf("no Warning %s among %d events", reason, len(evs.Items))
	})
}
