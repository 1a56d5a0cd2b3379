package controllers

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// countingTransport counts every request sent to the API server.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// TestSecondReconcileMakesNoAPIRequests runs the MCPServer reconciler directly, reading from
// the suite manager's cache and sending through a counting transport: once the children
// exist and the status is current, a reconcile sends nothing to the API server.
func TestSecondReconcileMakesNoAPIRequests(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "writes"
	server := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "quiet", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "example/quiet:1", Transport: v1alpha1.TransportStreamableHTTP}}
	if err := k8s.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	markReady(t, ns, "quiet")
	eventually(t, "Ready", func() error {
		s := &v1alpha1.MCPServer{}
		if err := get(ns, "quiet", s); err != nil {
			return err
		}
		if s.Status.Phase != v1alpha1.PhaseReady {
			return errorf("phase %s", s.Status.Phase)
		}
		return nil
	})

	counter := &countingTransport{}
	cfg := rest.CopyConfig(testCfg)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { counter.next = rt; return counter }
	counted, err := client.New(cfg, client.Options{Scheme: NewScheme(), Cache: &client.CacheOptions{Reader: testApplier.Client}})
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := newTestRenderer()
	if err != nil {
		t.Fatal(err)
	}
	applier := &render.Applier{Client: counted, Owners: testApplier.Owners}
	r := &MCPServerReconciler{Client: counted, APIReader: counted, Recorder: record.NewFakeRecorder(10), Options: &Options{
		Renderer: renderer, Applier: applier, ProxyRunnerImage: "proxyrunner:test",
		OperandEnv: testOperandEnv,
	}}
	req := ctrl.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: "quiet"}}
	eventually(t, "cache settled", func() error {
		before := counter.n.Load()
		if _, err := r.Reconcile(ctx, req); err != nil {
			return err
		}
		if d := counter.n.Load() - before; d != 0 {
			return errorf("reconcile sent %d API requests", d)
		}
		return nil
	})
	before := counter.n.Load()
	for i := 0; i < 5; i++ {
		if _, err := r.Reconcile(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if d := counter.n.Load() - before; d != 0 || applier.Writes() != 0 {
		t.Fatalf("5 steady-state reconciles sent %d API requests (%d applier writes), want 0", d, applier.Writes())
	}
}
