package composite

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// handler answers one fake tool.
type handler func(ctx context.Context, args map[string]any) (*mcp.CallToolResult, error)

// fakeCaller records every call (in order, with JSON-encoded arguments) and
// tracks how many run at once.
type fakeCaller struct {
	tools map[string]handler // by "workload.tool"

	mu       sync.Mutex
	calls    []string // "workload.tool <args JSON>"
	inflight atomic.Int64
	peak     atomic.Int64
}

func (f *fakeCaller) CallTool(ctx context.Context, workload, tool string, args map[string]any) (*mcp.CallToolResult, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.calls = append(f.calls, workload+"."+tool+" "+string(b))
	f.mu.Unlock()
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	h, ok := f.tools[workload+"."+tool]
	if !ok {
		return nil, fmt.Errorf("no tool %s.%s", workload, tool)
	}
	return h(ctx, args)
}

func (f *fakeCaller) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

// echo returns its arguments as structured content.
func echo(_ context.Context, args map[string]any) (*mcp.CallToolResult, error) {
	return &mcp.CallToolResult{StructuredContent: args}, nil
}

// sleepy answers after d, or fails when its context ends first.
func sleepy(d time.Duration, res *mcp.CallToolResult) handler {
	return func(ctx context.Context, _ map[string]any) (*mcp.CallToolResult, error) {
		select {
		case <-time.After(d):
			return res, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// barrier returns a handler that answers only once n calls are waiting in it
// together, so a test using it passes only when those calls run in parallel.
func barrier(n int) handler {
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	return func(ctx context.Context, args map[string]any) (*mcp.CallToolResult, error) {
		mu.Lock()
		arrived++
		if arrived == n {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
			return &mcp.CallToolResult{StructuredContent: args}, nil
		case <-time.After(5 * time.Second):
			return nil, fmt.Errorf("only %d of %d parallel calls arrived", arrived, n)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// failing fails its first n calls (n < 0: always) and then echoes.
func failing(n int, count *atomic.Int64) handler {
	return func(ctx context.Context, args map[string]any) (*mcp.CallToolResult, error) {
		c := count.Add(1)
		if n < 0 || c <= int64(n) {
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf("boom %d", c)}}}, nil
		}
		return echo(ctx, args)
	}
}

// compile builds a workflow from YAML (the form users write).
func compile(t *testing.T, src string, o Options) *Workflow {
	t.Helper()
	var ct config.CompositeTool
	if err := yaml.UnmarshalStrict([]byte(src), &ct); err != nil {
		t.Fatalf("bad test workflow: %v", err)
	}
	w, err := New(ct, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return w
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fakeElicitor answers every elicitation with action and content and records the messages.
type fakeElicitor struct {
	action  string
	content map[string]any
	err     error
	mu      sync.Mutex
	asked   []string
}

func (e *fakeElicitor) Elicit(_ context.Context, _, message string, _ map[string]any) (*mcp.ElicitResult, error) {
	e.mu.Lock()
	e.asked = append(e.asked, message)
	e.mu.Unlock()
	if e.err != nil {
		return nil, e.err
	}
	return &mcp.ElicitResult{Action: e.action, Content: e.content}, nil
}

func yamlUnmarshal(src string, v any) error { return yaml.UnmarshalStrict([]byte(src), v) }
