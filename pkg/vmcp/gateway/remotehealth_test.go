package gateway

import (
	"context"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestSkipHealthChecks (issue 10 item 15): a backend marked SkipHealthChecks (a
// remote workload without TOOLHIVE_REMOTE_HEALTHCHECKS=true) is discovered once and
// then not polled; a checked one is polled every interval.
func TestSkipHealthChecks(t *testing.T) {
	checked, skipped := newCountingBackend(t), newCountingBackend(t)
	cfg := &config.Config{Name: "g", GroupRef: "g", IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthAnonymous},
		Operational: &config.Operational{FailureHandling: &config.FailureHandling{
			HealthCheckInterval: "100ms", HealthCheckTimeout: "100ms"}}}
	cfg.Normalize()
	src := backend.NewStatic([]backend.Backend{
		{Name: "checked", URL: checked.URL, Transport: config.TransportStreamableHTTP},
		{Name: "remote", URL: skipped.URL, Transport: config.TransportStreamableHTTP, SkipHealthChecks: true},
	})
	g, err := New(Options{Config: cfg, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); g.Close() })
	g.Start(ctx)
	eventually(t, 5*time.Second, "both discovered", func() bool { return skipped.posts.Load() > 0 && checked.posts.Load() > 0 })
	c0, s0 := checked.posts.Load(), skipped.posts.Load()
	time.Sleep(time.Second)
	if got := checked.posts.Load() - c0; got < 3 {
		t.Errorf("checked backend got %d requests in 10 intervals, want health checks", got)
	}
	if got := skipped.posts.Load() - s0; got != 0 {
		t.Errorf("backend with SkipHealthChecks got %d requests after discovery, want none", got)
	}
	for _, s := range g.Snapshots() {
		if s.Name == "remote" && s.Status != "ready" {
			t.Errorf("remote backend status %q after discovery, want ready", s.Status)
		}
	}
}
