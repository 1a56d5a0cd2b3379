package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// testManualConflictReported (issue 10 item 14): two backends that both expose tool
// whoami behind a VirtualMCPServer with conflictResolution manual and no override.
// vmcp cannot aggregate them; the resource says so — ToolsAggregated False naming
// the tool, phase Failed, one Warning event — where before it showed no condition
// and phase Ready, the clash visible only in /readyz.
func (e *env) testManualConflictReported(ctx context.Context, t *testing.T) {
	a, b := startTLSBackend(t, nil), startTLSBackend(t, nil)
	e.create(ctx, &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Name: "clash", Namespace: "default"}})
	for name, u := range map[string]string{"left": a.url, "right": b.url} {
		en := entry(name, u)
		en.Spec.GroupRef = &v1alpha1.GroupRef{Name: "clash"}
		e.create(ctx, en)
	}
	v := &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Name: "clash-vmcp", Namespace: "default"},
		Spec: v1alpha1.VirtualMCPServerSpec{GroupRef: &v1alpha1.GroupRef{Name: "clash"},
			IncomingAuth: &v1alpha1.IncomingAuth{Type: v1alpha1.IncomingAuthAnonymous},
			Config: &config.Config{Aggregation: &config.Aggregation{ConflictResolution: config.ConflictManual},
				Operational: &config.Operational{FailureHandling: &config.FailureHandling{
					HealthCheckInterval: config.Duration(checkInterval.String()), HealthCheckTimeout: config.Duration(checkInterval.String()), StatusReportingInterval: config.Duration(reportInterval.String())}}}}}
	e.create(ctx, v)
	port := mcpnpm.FreePort(t)
	d := localcp.RunDeployment(ctx, localcp.DeploymentOptions{Client: e.c, Namespace: "default", Name: "clash-vmcp", Container: "vmcp",
		Binary: filepath.Join(e.bin, "vmcp"), Port: port, ReadyPath: "/readyz", Kubeconfig: e.cp.Kubeconfig, Dir: t.TempDir(),
		Out: syncWriter{e.logs, "clash-vmcp"}})
	t.Cleanup(d.Stop)

	deadline := time.Now().Add(60 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if err = clashReported(ctx, e.c); err == nil {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("manual conflict not reported on the resource: %v\nprocess output:\n%s", err, logs(e.logs))
}

func clashReported(ctx context.Context, c client.Client) error {
	v := &v1alpha1.VirtualMCPServer{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: "default", Name: "clash-vmcp"}, v); err != nil {
		return err
	}
	cond := meta.FindStatusCondition(v.Status.Conditions, v1alpha1.ConditionToolsAggregated)
	if cond == nil || cond.Status != metav1.ConditionFalse || cond.Reason != v1alpha1.ReasonToolNameConflict || !strings.Contains(cond.Message, "whoami") {
		return fmt.Errorf("ToolsAggregated %+v (phase %s: %s)", cond, v.Status.Phase, v.Status.Message)
	}
	if v.Status.Phase != v1alpha1.PhaseFailed || !strings.Contains(v.Status.Message, "whoami") {
		return fmt.Errorf("phase %s (%s), want Failed naming whoami", v.Status.Phase, v.Status.Message)
	}
	events := &corev1.EventList{}
	if err := c.List(ctx, events, client.InNamespace("default")); err != nil {
		return err
	}
	n := 0
	for _, ev := range events.Items {
		if ev.InvolvedObject.Name == "clash-vmcp" && ev.Type == corev1.EventTypeWarning && strings.Contains(ev.Message, "whoami") {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("%d Warning events naming whoami, want 1", n)
	}
	return nil
}
