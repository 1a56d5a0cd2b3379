package gateway

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestSourceChangeReachesLiveSessions swaps the backend set at runtime (as the
// Kubernetes source will) and checks that a live session is told and sees it.
func TestSourceChangeReachesLiveSessions(t *testing.T) {
	one, two := newCountingBackend(t), newCountingBackend(t)
	cfg := &config.Config{GroupRef: "g"}
	cfg.Normalize()
	src := backend.NewStatic([]backend.Backend{{Name: "one", URL: one.URL, Transport: config.TransportStreamableHTTP}})
	g, err := New(Options{Config: cfg, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g.Start(ctx)
	defer g.Close()
	url := serve(t, g)
	changed := make(chan struct{}, 10)
	cs := connect(t, url, "2025-11-25", &mcp.ClientOptions{ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
		changed <- struct{}{}
	}})
	if got := toolNames(t, cs); slices.Contains(got, "two_count") || !slices.Contains(got, "one_count") {
		t.Fatalf("before the change: %v", got)
	}
	src.Set([]backend.Backend{{Name: "two", URL: two.URL, Transport: config.TransportStreamableHTTP}})
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatal("no tools/list_changed after the backend set changed")
	}
	eventually(t, 5*time.Second, "the new set to be listed", func() bool {
		got := toolNames(t, cs)
		return slices.Contains(got, "two_count") && !slices.Contains(got, "one_count")
	})
	callText(t, cs, "two_count", map[string]any{})
	if two.calls.Load() != 1 {
		t.Errorf("call did not reach the new backend")
	}
}

// TestBackendListChangedPropagates adds a tool to a running backend: the backend's
// list_changed makes vmcp rediscover it, and the client is told and sees the tool.
func TestBackendListChangedPropagates(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}})
	changed := make(chan struct{}, 10)
	cs := connect(t, url, "2025-11-25", &mcp.ClientOptions{ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
		changed <- struct{}{}
	}})
	if slices.Contains(toolNames(t, cs), "c_added") {
		t.Fatal("c_added listed before it was added")
	}
	be.server.AddTool(&mcp.Tool{Name: "added", InputSchema: map[string]any{"type": "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "new"}}}, nil
		})
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatal("no tools/list_changed reached the client")
	}
	eventually(t, 5*time.Second, "c_added to be listed", func() bool { return slices.Contains(toolNames(t, cs), "c_added") })
	if text, _ := callText(t, cs, "c_added", map[string]any{}); text != "new" {
		t.Errorf("c_added returned %q", text)
	}
}
