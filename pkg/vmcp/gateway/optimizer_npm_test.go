package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/embedder"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

// findTools calls find_tool and returns the names it found and its metrics.
func findTools(t *testing.T, cs *mcp.ClientSession, description string) ([]string, vmcpoptimizer.TokenMetrics) {
	t.Helper()
	text, res := callText(t, cs, "find_tool", map[string]any{"tool_description": description})
	if res.IsError {
		t.Fatalf("find_tool %q: %s", description, text)
	}
	var out vmcpoptimizer.FindResult
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatalf("find_tool result %q: %v", text, err)
	}
	var names []string
	for _, tool := range out.Tools {
		names = append(names, tool.Name)
	}
	return names, out.TokenMetrics
}

// TestOptimizerModeNPM runs vmcp in optimizer mode over four real npm servers:
// tools/list shows only find_tool and call_tool; find_tool ranks the right
// tool first for tasks in other words; call_tool reaches the backend through
// the normal path; Cedar-denied tools are never found nor callable.
func TestOptimizerModeNPM(t *testing.T) {
	backends, dir := npmBackends(t)
	max := int32(5)
	url, g := startGateway(t, &config.Config{
		Name: "opt", Backends: backends,
		Optimizer: &config.Optimizer{MaxToolsToReturn: &max},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthAnonymous, Authz: &config.Authz{Type: config.AuthzCedar,
			Policies: []string{`permit(principal, action, resource);`,
				`forbid(principal, action == Action::"call_tool", resource == Tool::"fs_write_file");`}}},
	})
	cs := connect(t, url, "2025-11-25", nil)
	if got := toolNames(t, cs); !slices.Equal(got, []string{"call_tool", "find_tool"}) {
		t.Fatalf("tools/list in optimizer mode: %v", got)
	}

	for task, want := range map[string]string{
		"add two numbers together":                     "http_get-sum",
		"remember a new person in the knowledge graph": "memory_create_entities",
		"show what is inside a folder on disk":         "fs_list_directory",
		"repeat back the message I give you":           "http_echo",
	} {
		names, m := findTools(t, cs, task)
		if len(names) == 0 || len(names) > 5 {
			t.Errorf("find_tool %q returned %d tools (max 5): %v", task, len(names), names)
			continue
		}
		if names[0] != want && !(strings.HasSuffix(want, names[0][strings.Index(names[0], "_"):]) && strings.HasPrefix(names[0], "sse_")) {
			t.Errorf("find_tool %q: first %s, want %s (all %v)", task, names[0], want, names)
		}
		if m.BaselineTokens <= m.ReturnedTokens || m.TokensSaved != m.BaselineTokens-m.ReturnedTokens || m.SavingsPercentage <= 0 {
			t.Errorf("token_metrics %+v", m)
		}
	}

	// Cedar: the forbidden tool is never found, the other writer tools still are.
	names, _ := findTools(t, cs, "write a file to disk")
	if slices.Contains(names, "fs_write_file") {
		t.Errorf("find_tool returned the forbidden fs_write_file: %v", names)
	}
	if _, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "call_tool",
		Arguments: map[string]any{"tool_name": "fs_write_file", "parameters": map[string]any{"path": filepath.Join(dir, "x"), "content": "x"}}}); err == nil ||
		!strings.Contains(err.Error(), "not authorized") {
		t.Errorf("call_tool of a forbidden tool: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("the forbidden write happened")
	}

	// call_tool round trip to three backends.
	if text, _ := callText(t, cs, "call_tool", map[string]any{"tool_name": "http_echo", "parameters": map[string]any{"message": "via optimizer"}}); text != "Echo: via optimizer" {
		t.Errorf("call_tool http_echo: %q", text)
	}
	if text, _ := callText(t, cs, "call_tool", map[string]any{"tool_name": "sse_get-sum", "parameters": map[string]any{"a": 40, "b": 2}}); !strings.Contains(text, "42") {
		t.Errorf("call_tool sse_get-sum: %q", text)
	}
	if err := os.WriteFile(filepath.Join(dir, "note.txt"), []byte("optimizer content"), 0o600); err != nil {
		t.Fatal(err)
	}
	if text, _ := callText(t, cs, "call_tool", map[string]any{"tool_name": "fs_read_text_file", "parameters": map[string]any{"path": filepath.Join(dir, "note.txt")}}); !strings.Contains(text, "optimizer content") {
		t.Errorf("call_tool fs_read_text_file: %q", text)
	}
	if text, res := callText(t, cs, "call_tool", map[string]any{"tool_name": "no_such_tool"}); !res.IsError || !strings.Contains(text, "unknown tool") {
		t.Errorf("call_tool of an unknown tool: %q", text)
	}

	// The optimizer's series count what happened above.
	m := g.metrics
	if finds := counterValue(t, m.optFinds.WithLabelValues(outcomeSuccess)); finds != 5 {
		t.Errorf("vmcp_optimizer_find_tool_requests_total{outcome=success} = %v, want 5", finds)
	}
	calls := map[string]float64{outcomeSuccess: counterValue(t, m.optCalls.WithLabelValues(outcomeSuccess)),
		outcomeError: counterValue(t, m.optCalls.WithLabelValues(outcomeError))}
	if calls[outcomeSuccess] != 3 || calls[outcomeError] != 2 { // the forbidden and the unknown tool
		t.Errorf("vmcp_optimizer_call_tool_requests_total = %v, want 3 success and 2 error", calls)
	}
	if n := g.opt.Len(); n < 10 {
		t.Errorf("the index holds %d tools", n)
	}
}

// TestOptimizerIndexFollowsListChanged adds a tool to a running backend: its
// list_changed makes vmcp rediscover it and the index update, so find_tool
// finds the new tool and call_tool calls it.
func TestOptimizerIndexFollowsListChanged(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}, Optimizer: &config.Optimizer{}})
	cs := connect(t, url, "2025-11-25", nil)
	if names, _ := findTools(t, cs, "translate a sentence into French"); slices.Contains(names, "c_translate") {
		t.Fatal("c_translate found before it was added")
	}
	be.server.AddTool(&mcp.Tool{Name: "translate", Description: "Translate text into another language",
		InputSchema: map[string]any{"type": "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "bonjour"}}}, nil
		})
	eventually(t, 10*time.Second, "c_translate to be found", func() bool {
		names, _ := findTools(t, cs, "translate a sentence into French")
		return len(names) > 0 && names[0] == "c_translate"
	})
	if text, _ := callText(t, cs, "call_tool", map[string]any{"tool_name": "c_translate", "parameters": map[string]any{}}); text != "bonjour" {
		t.Errorf("call_tool c_translate: %q", text)
	}
	if got := toolNames(t, cs); !slices.Equal(got, []string{"call_tool", "find_tool"}) {
		t.Errorf("tools/list after the change: %v", got)
	}
}

// TestOptimizerSemanticArmAndOutage runs find_tool with the embedding server
// of pkg/embedder (over HTTP) as the semantic arm, then with the service
// gone: find_tool still answers by keyword and the metric says the semantic
// arm is down.
func TestOptimizerSemanticArmAndOutage(t *testing.T) {
	be := newCountingBackend(t)
	var embeds atomic.Int64
	h := embedder.Handler("", embedder.Dimensions)
	emb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		embeds.Add(1)
		h.ServeHTTP(w, r)
	}))
	ratio := "0.3"
	cfg := &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		Optimizer: &config.Optimizer{EmbeddingService: emb.URL, HybridSearchSemanticRatio: ratio, EmbeddingServiceTimeout: "2s"}}
	url, g := startGateway(t, cfg)
	cs := connect(t, url, "2025-11-25", nil)
	gauge := func() float64 {
		mfs, err := g.registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "vmcp_optimizer_semantic_available" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no vmcp_optimizer_semantic_available metric")
		return 0
	}
	if names, _ := findTools(t, cs, "count the calls"); len(names) == 0 || names[0] != "c_count" {
		t.Fatalf("with the embedder: %v", names)
	}
	if v := gauge(); v != 1 || embeds.Load() < 2 {
		t.Errorf("semantic_available %v, %d embedding requests (tools, then the query) with the embedder up", v, embeds.Load())
	}
	emb.Close()
	if names, _ := findTools(t, cs, "count the calls"); len(names) == 0 || names[0] != "c_count" {
		t.Fatalf("keyword fallback: %v", names)
	}
	if v := gauge(); v != 0 {
		t.Errorf("semantic_available %v with the embedder down", v)
	}
}
