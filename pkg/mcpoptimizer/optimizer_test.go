package mcpoptimizer

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

// noResourcesServer answers initialize and tools/list but fails
// resources/list although it advertises resources: the case that made the
// original drop whole backends.
func noResourcesServer(t *testing.T) string {
	s := mcp.NewServer(&mcp.Implementation{Name: "nores"}, &mcp.ServerOptions{HasResources: true})
	s.AddTool(&mcp.Tool{Name: "lookup_invoice", Description: "Look up an invoice by number", InputSchema: map[string]any{"type": "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "invoice 7: paid"}}}, nil
		})
	s.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method == "resources/list" {
				return nil, &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: "Method not found"}
			}
			return next(ctx, method, req)
		}
	})
	srv := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	t.Cleanup(srv.Close)
	return srv.URL // no path: the optimizer adds /mcp
}

func startEnvtest(t *testing.T) client.Client {
	if testing.Short() {
		t.Skip("needs a kube-apiserver (envtest) and npm servers")
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		assets, _ := filepath.Abs("../../bin/k8s/1.34.4-linux-amd64")
		t.Setenv("KUBEBUILDER_ASSETS", assets)
	}
	env := &envtest.Environment{CRDDirectoryPaths: []string{"../../config/crd/bases"}, ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("start envtest: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	testCfg = cfg
	scheme := runtime.NewScheme()
	_ = v1alpha1.AddToScheme(scheme)
	_ = clientgoscheme.AddToScheme(scheme)
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var testCfg *rest.Config

// mcpServer creates an MCPServer and sets its status as the operator would.
func mcpServer(t *testing.T, c client.Client, name string, labels map[string]string, spec v1alpha1.MCPServerSpec, status v1alpha1.MCPServerStatus) {
	t.Helper()
	ctx := context.Background()
	s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: labels}, Spec: spec}
	if err := c.Create(ctx, s); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	s.Status = status
	if err := c.Status().Update(ctx, s); err != nil {
		t.Fatalf("status %s: %v", name, err)
	}
}

// TestStandaloneOptimizer runs the Kubernetes-mode optimizer against a real
// API server and real MCP servers: it maps MCPServers (groups, phases),
// ingests the running ones of the allowed groups, logs the seed's line with
// the real counts, keeps a server whose resources/list fails, and serves
// find_tool / call_tool.
func TestStandaloneOptimizer(t *testing.T) {
	c := startEnvtest(t)
	httpEv := mcpnpm.StartEverything(t, "streamableHttp")
	sseEv := mcpnpm.StartEverything(t, "sse")
	nores := noResourcesServer(t)
	img := v1alpha1.MCPServerSpec{Image: "ghcr.io/example/server:1"}
	withGroup := img
	withGroup.GroupRef = &v1alpha1.GroupRef{Name: "dev"}
	sse := img
	sse.Transport, sse.ProxyMode = v1alpha1.TransportStdio, v1alpha1.ProxyModeSSE
	mcpServer(t, c, "everything", nil, img, v1alpha1.MCPServerStatus{Phase: v1alpha1.PhaseReady, URL: httpEv.URL})
	mcpServer(t, c, "ev-sse", map[string]string{GroupLabel: "dev"}, sse, v1alpha1.MCPServerStatus{Phase: v1alpha1.PhaseReady, URL: sseEv.URL})
	mcpServer(t, c, "billing", map[string]string{GroupLabel: "ignored"}, withGroup, v1alpha1.MCPServerStatus{Phase: v1alpha1.PhaseReady, URL: nores})
	mcpServer(t, c, "starting", nil, img, v1alpha1.MCPServerStatus{Phase: v1alpha1.PhasePending, URL: httpEv.URL})
	mcpServer(t, c, "prod-only", map[string]string{GroupLabel: "prod"}, img, v1alpha1.MCPServerStatus{Phase: v1alpha1.PhaseReady, URL: httpEv.URL})

	env, err := ParseEnv(mapEnv(map[string]string{"RUNTIME_MODE": "k8s", "K8S_NAMESPACE": "default", "ALLOWED_GROUPS": "default, dev", "INGESTION_INTERVAL": "1h"}))
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.InfoLevel)
	log := zap.New(core)
	adapter, err := vmcpoptimizer.New(&config.Optimizer{}, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := &Ingester{Adapter: adapter, Log: log, Timeout: 20 * time.Second}
	t.Cleanup(in.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { _ = Run(ctx, testCfg, env, in, log) }()

	// The real counts: server-everything's tools over each transport, and billing's one.
	evTools := countTools(t, httpEv.URL, false) + countTools(t, sseEv.URL, true)
	want := map[string]int64{"failed": 0, "successful": 3, "total_tools": int64(evTools + 1)}
	deadline := time.Now().Add(60 * time.Second)
	for !ingested(logs, want) {
		if time.Now().After(deadline) {
			t.Fatalf("no ingestion line with %v; log: %v", want, messages(logs))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, w := range []string{"everything", "ev-sse"} {
		if logs.FilterMessage("Using "+map[string]string{"everything": "streamable-http", "ev-sse": "sse"}[w]+" client for workload").FilterField(zap.String("workload", w)).Len() == 0 {
			t.Errorf("no client line for %s: %v", w, messages(logs))
		}
	}

	srv := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return NewServer(in, "test") }, nil))
	t.Cleanup(srv.Close)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t"}, nil).Connect(ctx, &mcp.StreamableClientTransport{Endpoint: srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	find := func(task string) []string {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "find_tool", Arguments: map[string]any{"tool_description": task}})
		if err != nil || res.IsError {
			t.Fatalf("find_tool: %v %+v", err, res)
		}
		var out vmcpoptimizer.FindResult
		if err := json.Unmarshal([]byte(res.Content[0].(*mcp.TextContent).Text), &out); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tool := range out.Tools {
			names = append(names, tool.Name)
		}
		return names
	}
	if got := find("look up an invoice"); len(got) == 0 || got[0] != "billing_lookup_invoice" {
		t.Errorf("the server failing resources/list is not indexed: %v", got)
	}
	for _, name := range find("add two numbers") {
		if strings.HasPrefix(name, "prod-only_") || strings.HasPrefix(name, "starting_") {
			t.Errorf("a workload outside ALLOWED_GROUPS or not running was ingested: %s", name)
		}
	}
	for tool, args := range map[string]map[string]any{
		"ev-sse_get-sum":         {"a": 40, "b": 2},
		"billing_lookup_invoice": {},
	} {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "call_tool", Arguments: map[string]any{"tool_name": tool, "parameters": args}})
		if err != nil || res.IsError {
			t.Fatalf("call_tool %s: %v %+v", tool, err, res)
		}
		text := res.Content[0].(*mcp.TextContent).Text
		if !strings.Contains(text, "42") && !strings.Contains(text, "paid") {
			t.Errorf("call_tool %s: %q", tool, text)
		}
	}

	// A server going away is cleaned up on the next ingestion (watch event).
	if err := c.Delete(ctx, &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "billing", Namespace: "default"}}); err != nil {
		t.Fatal(err)
	}
	want = map[string]int64{"failed": 0, "successful": 2, "total_tools": int64(evTools)}
	for !ingested(logs, want) {
		if time.Now().After(deadline.Add(30 * time.Second)) {
			t.Fatalf("no ingestion line with %v after the delete; log: %v", want, messages(logs))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// countTools lists a server's tools directly, for the expected counts.
func countTools(t *testing.T, url string, sse bool) int {
	t.Helper()
	var tr mcp.Transport = &mcp.StreamableClientTransport{Endpoint: url}
	if sse {
		tr = &mcp.SSEClientTransport{Endpoint: url}
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "count"}, nil).Connect(context.Background(), tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Tools)
}

func ingested(logs *observer.ObservedLogs, want map[string]int64) bool {
	for _, e := range logs.FilterMessage("Workload ingestion with cleanup completed").All() {
		m := e.ContextMap()
		ok := true
		for k, v := range want {
			got, _ := m[k].(int64)
			ok = ok && got == v
		}
		if ok {
			return true
		}
	}
	return false
}

func messages(logs *observer.ObservedLogs) []string {
	var out []string
	for _, e := range logs.All() {
		out = append(out, e.Message+" "+toJSON(e.ContextMap()))
	}
	return out
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
