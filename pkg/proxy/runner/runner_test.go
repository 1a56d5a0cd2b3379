package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/bridge"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/stdio"
)

// startRunner runs a proxy runner for cfg on a loopback port and returns its base URL.
func startRunner(t *testing.T, cfg *runconfig.Config, opts Options) (string, *Runner) {
	t.Helper()
	cfg.Host = "127.0.0.1"
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("runner did not shut down within 15s")
		}
	})
	base := "http://" + l.Addr().String()
	waitHealth(t, base, http.StatusOK)
	return base, r
}

// waitHealth polls /health until it returns want; it returns the last body.
func waitHealth(t *testing.T, base string, want int) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/health")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			if resp.StatusCode == want {
				return body
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("/health did not return %d within 20s (last body %q)", want, body)
	return ""
}

// connect opens a Go SDK client session through the proxy.
func connect(t *testing.T, ctx context.Context, base, mode string, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	var tr mcp.Transport = &mcp.StreamableClientTransport{Endpoint: base + "/mcp", MaxRetries: -1}
	if mode == runconfig.TransportSSE {
		tr = &mcp.SSEClientTransport{Endpoint: base + "/sse"}
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "proxy-test", Version: "1"}, opts)
	cs, err := c.Connect(ctx, tr, nil)
	if err != nil {
		t.Fatalf("connect over %s: %v", mode, err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func stdioConfig(t *testing.T, s mcpnpm.Server, mode string, extra ...string) *runconfig.Config {
	if s == mcpnpm.Memory {
		// server-memory persists next to its script by default; keep each test's graph private.
		t.Setenv("MEMORY_FILE_PATH", filepath.Join(t.TempDir(), "memory.jsonl"))
	}
	cmd, args := mcpnpm.StdioCommand(t, s, extra...)
	return &runconfig.Config{Name: string(s), Transport: runconfig.TransportStdio, ProxyMode: mode,
		Stdio: &runconfig.Stdio{Command: cmd, Args: args}}
}

func call(t *testing.T, ctx context.Context, cs *mcp.ClientSession, name string, args map[string]any) string {
	t.Helper()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		t.Fatalf("%s returned a tool error: %s", name, text(res))
	}
	return text(res)
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

var modes = []string{runconfig.TransportStreamableHTTP, runconfig.TransportSSE}

func TestStdioMemory(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cfg := stdioConfig(t, mcpnpm.Memory, mode)
			base, _ := startRunner(t, cfg, Options{})
			cs := connect(t, ctx, base, mode, nil)
			tools, err := cs.ListTools(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !hasTool(tools, "create_entities") || !hasTool(tools, "read_graph") {
				t.Fatalf("tools %v lack create_entities/read_graph", toolNames(tools))
			}
			name := "Ada-" + mode
			call(t, ctx, cs, "create_entities", map[string]any{"entities": []any{
				map[string]any{"name": name, "entityType": "person", "observations": []any{"wrote the first program", "quote \"\\n<&>"}},
			}})
			graph := call(t, ctx, cs, "read_graph", map[string]any{})
			if !strings.Contains(graph, name) || !strings.Contains(graph, `quote \"\\n<&>`) {
				t.Fatalf("read_graph = %s, want entity %s with its observations intact", graph, name)
			}
		})
	}
}

func TestStdioFilesystem(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			dir, err := filepath.EvalSymlinks(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			base, _ := startRunner(t, stdioConfig(t, mcpnpm.Filesystem, mode, dir), Options{})
			cs := connect(t, ctx, base, mode, nil)
			path := filepath.Join(dir, "note.txt")
			content := "line one\nline two: " + mode + " ✓"
			call(t, ctx, cs, "write_file", map[string]any{"path": path, "content": content})
			onDisk, err := os.ReadFile(path)
			if err != nil || string(onDisk) != content {
				t.Fatalf("file on disk = %q, %v; want %q", onDisk, err, content)
			}
			got := call(t, ctx, cs, "read_text_file", map[string]any{"path": path})
			if !strings.Contains(got, content) {
				t.Fatalf("read_text_file = %q, want %q", got, content)
			}
		})
	}
}

// TestConcurrentSessions: 20 clients share one stdio server and call tools at the
// same time; each must get its own answers. The entities are created first, one
// at a time, because server-memory's own read-modify-write of its file loses
// concurrent updates (a server property, not the proxy's).
func TestConcurrentSessions(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			base, _ := startRunner(t, stdioConfig(t, mcpnpm.Memory, mode), Options{})
			const n = 20
			setup := connect(t, ctx, base, mode, nil)
			for i := 0; i < n; i++ {
				call(t, ctx, setup, "create_entities", map[string]any{"entities": []any{
					map[string]any{"name": entityName(mode, i), "entityType": "t", "observations": []any{secret(i)}},
				}})
			}
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- oneClient(ctx, base, mode, i)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func entityName(mode string, i int) string { return fmt.Sprintf("%s-client-%d", mode, i) }
func secret(i int) string                  { return fmt.Sprintf("secret-%d", i) }

// oneClient opens its own session and repeatedly asks for its own entity.
func oneClient(ctx context.Context, base, mode string, i int) error {
	var tr mcp.Transport = &mcp.StreamableClientTransport{Endpoint: base + "/mcp", MaxRetries: -1}
	if mode == runconfig.TransportSSE {
		tr = &mcp.SSEClientTransport{Endpoint: base + "/sse"}
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: fmt.Sprint("c", i), Version: "1"}, nil).Connect(ctx, tr, nil)
	if err != nil {
		return fmt.Errorf("client %d connect: %w", i, err)
	}
	defer cs.Close()
	name := entityName(mode, i)
	for round := 0; round < 5; round++ {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "open_nodes", Arguments: map[string]any{"names": []any{name}}})
		if err != nil {
			return fmt.Errorf("client %d open_nodes: %w", i, err)
		}
		var graph struct {
			Entities []struct {
				Name         string   `json:"name"`
				Observations []string `json:"observations"`
			} `json:"entities"`
		}
		if err := json.Unmarshal([]byte(text(res)), &graph); err != nil {
			return fmt.Errorf("client %d: open_nodes result %q: %w", i, text(res), err)
		}
		e := graph.Entities
		if len(e) != 1 || e[0].Name != name || len(e[0].Observations) != 1 || e[0].Observations[0] != secret(i) {
			return fmt.Errorf("client %d round %d got %s, want only its own entity %s (%s)", i, round, text(res), name, secret(i))
		}
	}
	return nil
}

// pidDialer records the subprocess of each dial so a test can kill it.
type pidDialer struct {
	stdio.Subprocess
	mu   sync.Mutex
	pids []int
}

func (d *pidDialer) Dial(ctx context.Context) (stdio.Stream, error) {
	s, err := d.Subprocess.Dial(ctx)
	if err == nil {
		d.mu.Lock()
		d.pids = append(d.pids, s.(interface{ Pid() int }).Pid())
		d.mu.Unlock()
	}
	return s, err
}

func (d *pidDialer) last() (int, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pids[len(d.pids)-1], len(d.pids)
}

func TestKillStdioChild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cfg := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
	d := &pidDialer{Subprocess: stdio.Subprocess{Command: cfg.Stdio.Command, Args: cfg.Stdio.Args}}
	base, r := startRunner(t, cfg, Options{Dialer: d, Backoff: bridge.Backoff{Initial: 300 * time.Millisecond}})
	cs := connect(t, ctx, base, runconfig.TransportStreamableHTTP, nil)
	if got := call(t, ctx, cs, "echo", map[string]any{"message": "before"}); !strings.Contains(got, "before") {
		t.Fatalf("echo = %q", got)
	}

	// A long call is in flight when the child dies.
	inflight := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "trigger-long-running-operation", Arguments: map[string]any{"duration": 30, "steps": 3}})
		inflight <- err
	}()
	time.Sleep(500 * time.Millisecond)
	pid, dials := d.last()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-inflight:
		if err == nil || !strings.Contains(err.Error(), "connection lost") {
			t.Fatalf("in-flight call error = %v, want a clear connection-lost error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("in-flight call hung after the child was killed")
	}
	// /health says why, until the bridge has restarted the child.
	if up, reason := r.Status(); up || !strings.Contains(reason, "stdio stream ended") {
		t.Fatalf("status right after kill: up=%v reason=%q", up, reason)
	}
	waitHealth(t, base, http.StatusOK)
	if _, n := d.last(); n != dials+1 {
		t.Fatalf("dials = %d, want %d (one restart)", n, dials+1)
	}
	// The same client session works again against the restarted (re-initialized) server.
	if got := call(t, ctx, cs, "echo", map[string]any{"message": "after"}); !strings.Contains(got, "after") {
		t.Fatalf("echo after restart = %q", got)
	}
	if restarts := counterValue(t, base, "proxyrunner_stdio_restarts_total"); restarts != "1" {
		t.Fatalf("proxyrunner_stdio_restarts_total = %q, want 1", restarts)
	}
}

func TestHealthReportsDeadChild(t *testing.T) {
	cfg := &runconfig.Config{Name: "dead", Transport: runconfig.TransportStdio,
		Stdio: &runconfig.Stdio{Command: "/bin/sh", Args: []string{"-c", "exit 3"}}}
	cfg.Host = "127.0.0.1"
	cfg.SetDefaults()
	r, err := New(cfg, Options{Backoff: bridge.Backoff{Initial: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, l) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	var body string
	for time.Now().Before(deadline) && !strings.Contains(body, "exit status 3") {
		body = waitHealth(t, "http://"+l.Addr().String(), http.StatusServiceUnavailable)
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(body, "exit status 3") {
		t.Fatalf("/health body %q, want the child's exit status", body)
	}
}

func counterValue(t *testing.T, base, name string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return strings.TrimPrefix(line, name+" ")
		}
	}
	return ""
}

// TestReverseProxyEverything reaches server-everything over HTTP through the reverse proxy.
func TestReverseProxyEverything(t *testing.T) {
	tests := map[string]struct {
		serverTransport, transport, clientMode string
	}{
		"streamable-http": {"streamableHttp", runconfig.TransportStreamableHTTP, runconfig.TransportStreamableHTTP},
		"sse":             {"sse", runconfig.TransportSSE, runconfig.TransportSSE},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			up := mcpnpm.StartEverything(t, tc.serverTransport)
			base, _ := startRunner(t, &runconfig.Config{Name: "everything", Transport: tc.transport, Target: up.URL}, Options{})
			var mu sync.Mutex
			var progress []float64
			cs := connect(t, ctx, base, tc.clientMode, &mcp.ClientOptions{
				ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
					mu.Lock()
					progress = append(progress, req.Params.Progress)
					mu.Unlock()
				},
			})
			if got := call(t, ctx, cs, "echo", map[string]any{"message": "hi " + name}); !strings.Contains(got, "hi "+name) {
				t.Fatalf("echo = %q", got)
			}
			params := &mcp.CallToolParams{Name: "trigger-long-running-operation", Arguments: map[string]any{"duration": 0.6, "steps": 3}}
			params.SetProgressToken("tok-" + name)
			res, err := cs.CallTool(ctx, params)
			if err != nil || !strings.Contains(text(res), "Steps: 3") {
				t.Fatalf("long-running call = %v, %v", res, err)
			}
			// The SDK runs notification handlers asynchronously: give the last one a moment.
			deadline := time.Now().Add(2 * time.Second)
			mu.Lock()
			defer mu.Unlock()
			for len(progress) < 3 && time.Now().Before(deadline) {
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
				mu.Lock()
			}
			sort.Float64s(progress)
			if len(progress) != 3 || progress[0] != 1 || progress[2] != 3 {
				t.Fatalf("progress notifications %v, want 1,2,3 streamed through the proxy", progress)
			}
		})
	}
}

func hasTool(res *mcp.ListToolsResult, name string) bool {
	for _, t := range res.Tools {
		if t.Name == name {
			return true
		}
	}
	return false
}

func toolNames(res *mcp.ListToolsResult) []string {
	var out []string
	for _, t := range res.Tools {
		out = append(out, t.Name)
	}
	return out
}

// TestStdioProgress: two sessions use the same progress token through one stdio
// server; each gets exactly its own progress notifications.
func TestStdioProgress(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			base, _ := startRunner(t, stdioConfig(t, mcpnpm.Everything, mode), Options{})
			var wg sync.WaitGroup
			counts := make([][]float64, 2)
			var mu sync.Mutex
			for i := 0; i < 2; i++ {
				cs := connect(t, ctx, base, mode, &mcp.ClientOptions{
					ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
						mu.Lock()
						counts[i] = append(counts[i], req.Params.Total)
						mu.Unlock()
					},
				})
				wg.Add(1)
				go func() {
					defer wg.Done()
					steps := 2 + i // session 0: 2 steps, session 1: 3 steps
					params := &mcp.CallToolParams{Name: "trigger-long-running-operation", Arguments: map[string]any{"duration": 0.5, "steps": steps}}
					params.SetProgressToken("same-token")
					if res, err := cs.CallTool(ctx, params); err != nil || !strings.Contains(text(res), fmt.Sprintf("Steps: %d", steps)) {
						t.Errorf("session %d: %v %v", i, res, err)
					}
				}()
			}
			wg.Wait()
			deadline := time.Now().Add(2 * time.Second)
			for {
				mu.Lock()
				done := len(counts[0]) >= 2 && len(counts[1]) >= 3
				got := fmt.Sprint(counts)
				mu.Unlock()
				if done || time.Now().After(deadline) {
					if got != "[[2 2] [3 3 3]]" {
						t.Fatalf("progress totals per session %s, want [[2 2] [3 3 3]]", got)
					}
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

type denyAll struct{}

func (denyAll) Authorize(context.Context, *auth.Identity, auth.Operation) (bool, error) {
	return false, nil
}

// TestGuardAndAuthzWired: the Origin/Host guard, body limit and the authz hook sit
// in front of the MCP endpoint (and not in front of /health).
func TestGuardAndAuthzWired(t *testing.T) {
	cfg := &runconfig.Config{Name: "g", Transport: runconfig.TransportStdio, Host: "127.0.0.1",
		Stdio: &runconfig.Stdio{Command: "/bin/cat"}}
	cfg.SetDefaults()
	r, err := New(cfg, Options{Authorizer: denyAll{}, MaxBodyBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		host, origin, body string
		want               int
	}{
		"rebinding Host":   {"evil.example.com", "", `{}`, http.StatusForbidden},
		"foreign Origin":   {"127.0.0.1:8080", "https://evil.example.com", `{}`, http.StatusForbidden},
		"body too large":   {"127.0.0.1:8080", "", strings.Repeat("x", 2048), http.StatusRequestEntityTooLarge},
		"authz denies":     {"127.0.0.1:8080", "", `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}`, http.StatusForbidden},
		"health unguarded": {"evil.example.com", "", "", http.StatusServiceUnavailable},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path, method := "/mcp", http.MethodPost
			if tc.body == "" {
				path, method = "/health", http.MethodGet
			}
			req := httptest.NewRequest(method, path, strings.NewReader(tc.body))
			req.Host = tc.host
			req.Header.Set("Content-Type", "application/json")
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			rec := httptest.NewRecorder()
			r.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
		})
	}
}

// TestMaxRequestBodySize: the workload's maxRequestBodySize replaces the runner's limit.
func TestMaxRequestBodySize(t *testing.T) {
	cfg := &runconfig.Config{Name: "g", Transport: runconfig.TransportStdio, Host: "127.0.0.1",
		Stdio: &runconfig.Stdio{Command: "/bin/cat"}, MaxRequestBodySize: 100}
	cfg.SetDefaults()
	r, err := New(cfg, Options{Authorizer: denyAll{}, MaxBodyBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]int{
		strings.Repeat("x", 200): http.StatusRequestEntityTooLarge,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}`: http.StatusForbidden, // under the limit: reaches authz
	} {
		req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(body))
		req.Host = "127.0.0.1:8080"
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		r.Handler().ServeHTTP(rec, req)
		if rec.Code != want {
			t.Fatalf("body of %d bytes: status %d, want %d", len(body), rec.Code, want)
		}
	}
}
