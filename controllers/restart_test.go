package controllers

import (
	"context"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// TestRestartMidwayConverges creates 200 MCPServers, stops the operator while it is
// still creating their children, starts a new one, and checks that every server ends up
// with each child exactly once and an evaluated status.
func TestRestartMidwayConverges(t *testing.T) {
	requireEnv(t)
	const n = 200
	ctx, ns := context.Background(), "restart"
	for i := 0; i < n; i++ {
		s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("r%03d", i), Namespace: ns},
			Spec: v1alpha1.MCPServerSpec{Image: "x:1", Transport: v1alpha1.TransportStreamableHTTP}}
		if err := k8s.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	deployments := func() int {
		l := &appsv1.DeploymentList{}
		if err := k8s.List(ctx, l, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		return len(l.Items)
	}

	first, _, err := newTestManager(testCfg, []string{ns})
	if err != nil {
		t.Fatal(err)
	}
	ctx1, stop1 := context.WithCancel(ctx)
	done1 := make(chan error)
	go func() { done1 <- first.Start(ctx1) }()
	eventually(t, "first operator makes progress", func() error {
		if d := deployments(); d < 20 {
			return errorf("%d deployments", d)
		}
		return nil
	})
	stop1()
	<-done1
	midway := deployments()
	if midway >= n {
		t.Logf("first operator finished before it was stopped (%d); the test still checks convergence", midway)
	}

	second, _, err := newTestManager(testCfg, []string{ns})
	if err != nil {
		t.Fatal(err)
	}
	ctx2, stop2 := context.WithCancel(ctx)
	defer stop2()
	go func() { _ = second.Start(ctx2) }()

	deadline := time.Now().Add(90 * time.Second)
	for {
		err := checkConverged(ctx, ns, n)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not converged after restart (stopped at %d/%d deployments): %v", midway, n, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("stopped at %d/%d deployments; converged after restart", midway, n)
}

// checkConverged verifies every server has each child kind exactly once and a status.
func checkConverged(ctx context.Context, ns string, n int) error {
	servers := &v1alpha1.MCPServerList{}
	if err := k8s.List(ctx, servers, client.InNamespace(ns)); err != nil {
		return err
	}
	if len(servers.Items) != n {
		return fmt.Errorf("%d servers", len(servers.Items))
	}
	lists := map[string]client.ObjectList{
		"Deployment": &appsv1.DeploymentList{}, "StatefulSet": &appsv1.StatefulSetList{},
		"Service": &corev1.ServiceList{}, "ServiceAccount": &corev1.ServiceAccountList{}, "ConfigMap": &corev1.ConfigMapList{},
	}
	// Expected children per server: 2 Services, 2 ServiceAccounts, one of the rest.
	want := map[string]int{"Deployment": 1, "StatefulSet": 1, "Service": 2, "ServiceAccount": 2, "ConfigMap": 1}
	counts := map[string]map[string]int{}
	for kind, l := range lists {
		if err := k8s.List(ctx, l, client.InNamespace(ns), client.HasLabels{render.LabelOwnerUID}); err != nil {
			return err
		}
		objs, _ := listObjects(l)
		counts[kind] = map[string]int{}
		for _, o := range objs {
			counts[kind][o.GetLabels()[render.LabelOwnerUID]]++
		}
	}
	for _, s := range servers.Items {
		for kind, w := range want {
			if got := counts[kind][string(s.UID)]; got != w {
				return fmt.Errorf("server %s has %d %s, want %d", s.Name, got, kind, w)
			}
		}
		if s.Status.ObservedGeneration != s.Generation || s.Status.Phase == "" {
			return fmt.Errorf("server %s status not evaluated", s.Name)
		}
	}
	return nil
}
