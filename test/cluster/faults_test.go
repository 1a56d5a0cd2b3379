//go:build cluster

package cluster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// TestBackendPodDeleted: with the node cordoned so the StatefulSet cannot bring it straight
// back, the backend pod is deleted; the VirtualMCPServer goes Degraded within
// healthCheckInterval × unhealthyThreshold (+ one status report), the healthy backends
// keep answering (best_effort); once the pod can come back the phase returns to Ready.
func TestBackendPodDeleted(t *testing.T) {
	ns := namespace(t, "faults")
	url := migrationSetup(t, ns)
	sess := connect(t, url, nil)

	mustKubectl(t, "cordon", "devnode")
	t.Cleanup(func() { _, _ = kubectl("uncordon", "devnode") })
	mustKubectl(t, "delete", "pod", "everything-0", "-n", ns, "--wait=true")
	gone := time.Now()
	waitBackends(t, ns, "my-vmcp", time.Minute, v1alpha1.PhaseDegraded, map[string]v1alpha1.BackendHealth{
		"everything": v1alpha1.BackendUnavailable, "memory": v1alpha1.BackendReady, "filesystem": v1alpha1.BackendReady})
	took := time.Since(gone)
	t.Logf("Degraded %.1fs after the pod was gone (interval 2s × threshold 2 + report 2s)", took.Seconds())
	if limit := 2*2*time.Second + 2*time.Second + 10*time.Second; took > limit {
		t.Errorf("Degraded only after %s, want within %s", took, limit)
	}
	if got := callText(t, sess, "memory_read_graph", map[string]any{}); !strings.Contains(got, "entities") {
		t.Errorf("healthy backend memory answered %q while everything is down", got)
	}
	if _, err := tryCall(sess, "everything_echo", map[string]any{"message": "x"}); err == nil {
		t.Errorf("a call to the deleted backend succeeded")
	}

	mustKubectl(t, "uncordon", "devnode")
	waitBackends(t, ns, "my-vmcp", 2*time.Minute, v1alpha1.PhaseReady, map[string]v1alpha1.BackendHealth{
		"everything": v1alpha1.BackendReady, "memory": v1alpha1.BackendReady, "filesystem": v1alpha1.BackendReady})
	eventually(t, time.Minute, "everything_echo answers again", func() error {
		got, err := tryCall(sess, "everything_echo", map[string]any{"message": "back"})
		if err == nil && !strings.Contains(got, "back") {
			err = fmt.Errorf("answered %q", got)
		}
		return err
	})
}

// TestManagerKilledMidReconcile: MCPServers are created and the manager pod is killed
// while it reconciles them; the new manager converges: every server Ready, exactly one
// proxy Deployment, one StatefulSet and one pod of each, nothing lost or duplicated.
func TestManagerKilledMidReconcile(t *testing.T) {
	ns := namespace(t, "restart")
	names := []string{"s1", "s2", "s3", "s4"}
	var m strings.Builder
	for _, n := range names {
		fmt.Fprintf(&m, "---\napiVersion: toolhive.stacklok.dev/v1alpha1\nkind: MCPServer\nmetadata: {name: %s}\nspec:\n  image: %s\n  transport: stdio\n  args: [stdio]\n", n, everythingImage)
	}
	apply(t, ns, m.String())
	mustKubectl(t, "delete", "pod", "-n", operatorNS, "-l", "app.kubernetes.io/name=mcp-operator", "--grace-period=0", "--force", "--wait=false")
	mustKubectl(t, "rollout", "status", "-n", operatorNS, "deployment/"+operatorRelease, "--timeout=2m")
	for _, n := range names {
		s := waitMCPServerReady(t, ns, n, 3*time.Minute)
		call := connect(t, s.Status.URL+"/mcp", nil)
		if got := callText(t, call, "echo", map[string]any{"message": n}); !strings.Contains(got, n) {
			t.Errorf("%s echo answered %q", n, got)
		}
	}
	var deps appsv1.DeploymentList
	var sts appsv1.StatefulSetList
	if err := k.List(context.Background(), &deps, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	if err := k.List(context.Background(), &sts, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	if len(deps.Items) != len(names) || len(sts.Items) != len(names) {
		t.Errorf("%d Deployments and %d StatefulSets for %d MCPServers", len(deps.Items), len(sts.Items), len(names))
	}
	for _, n := range names {
		pods, err := podsOf(ns, n)
		if err != nil {
			t.Fatal(err)
		}
		running := 0
		for _, p := range pods {
			if p.DeletionTimestamp == nil {
				running++
			}
		}
		if running != 2 {
			t.Errorf("%s has %d pods, want 2 (proxy and server)", n, running)
		}
	}
}

// TestMissingImage: an MCPServer whose image does not exist gets a condition that says so
// instead of staying Pending without a word.
func TestMissingImage(t *testing.T) {
	ns := namespace(t, "badimage")
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: ghost}
spec:
  image: localhost/mcp-servers/does-not-exist:1.0
  transport: stdio
`)
	eventually(t, 2*time.Minute, "a condition naming the missing image", func() error {
		s, err := getMCPServer(ns, "ghost")
		if err != nil {
			return err
		}
		for _, c := range s.Status.Conditions {
			if c.Status != "True" && strings.Contains(c.Message, "does-not-exist") {
				return nil
			}
		}
		return fmt.Errorf("phase %s, message %q, conditions %+v", s.Status.Phase, s.Status.Message, s.Status.Conditions)
	})
}
