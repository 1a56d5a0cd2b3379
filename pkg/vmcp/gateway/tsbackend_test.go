package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// startTSBackend runs testdata/tsbackend/server.mjs, a server written with the
// TypeScript SDK, and a gateway in front of it (names unprefixed).
func startTSBackend(t *testing.T) (*mcpnpm.HTTPServer, string, *Gateway) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a Node MCP server")
	}
	mcpnpm.Path(t, filepath.Join("@modelcontextprotocol", "sdk", "package.json"))
	ts := mcpnpm.StartScript(t, filepath.Join("testdata", "tsbackend", "server.mjs"))
	url, g := startGateway(t, &config.Config{Name: "ts",
		Backends: []config.StaticBackend{{Name: "ts", URL: ts.URL}},
		Aggregation: &config.Aggregation{ConflictResolution: config.ConflictPriority,
			ConflictResolutionConfig: &config.ConflictResolutionConfig{PriorityOrder: []string{"ts"}}}})
	for _, s := range g.Snapshots() {
		if s.Status != "ready" {
			t.Fatalf("backend %s is %s after discovery: %s", s.Name, s.Status, s.Message)
		}
	}
	return ts, url, g
}

// tsStats reads the TS backend's open session count and cancelled calls.
func tsStats(t *testing.T, ts *mcpnpm.HTTPServer) (sessions, cancelled int) {
	t.Helper()
	resp, err := http.Get(strings.TrimSuffix(ts.URL, "/mcp") + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct{ Sessions, Cancelled int }
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s.Sessions, s.Cancelled
}

// fullClient answers every server-to-client request and records notifications.
type fullClient struct {
	mu       sync.Mutex
	progress []string
	logs     []string
	updated  []string
}

func (f *fullClient) options() *mcp.ClientOptions {
	return &mcp.ClientOptions{
		CreateMessageHandler: func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
			return &mcp.CreateMessageResult{Model: "test-model", Role: "assistant", Content: &mcp.TextContent{Text: "hi from client"}}, nil
		},
		ElicitationHandler: func(_ context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			if r.Params.Mode == "url" {
				return &mcp.ElicitResult{Action: "accept"}, nil
			}
			return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada"}}, nil
		},
		Capabilities: &mcp.ClientCapabilities{RootsV2: &mcp.RootCapabilities{},
			Elicitation: &mcp.ElicitationCapabilities{Form: &mcp.FormElicitationCapabilities{}, URL: &mcp.URLElicitationCapabilities{}}},
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			f.mu.Lock()
			f.progress = append(f.progress, r.Params.Message)
			f.mu.Unlock()
		},
		LoggingMessageHandler: func(_ context.Context, r *mcp.LoggingMessageRequest) {
			b, _ := json.Marshal(r.Params.Data)
			f.mu.Lock()
			f.logs = append(f.logs, string(b))
			f.mu.Unlock()
		},
		ResourceUpdatedHandler: func(_ context.Context, r *mcp.ResourceUpdatedNotificationRequest) {
			f.mu.Lock()
			f.updated = append(f.updated, r.Params.URI)
			f.mu.Unlock()
		},
	}
}

func (f *fullClient) snapshot() (progress, logs, updated []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.progress...), append([]string(nil), f.logs...), append([]string(nil), f.updated...)
}

func callWithin(t *testing.T, cs *mcp.ClientSession, d time.Duration, params *mcp.CallToolParams) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	res, err := cs.CallTool(ctx, params)
	if err != nil {
		t.Fatalf("calling %s: %v", params.Name, err)
	}
	text := ""
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text += tc.Text
		}
	}
	if res.IsError {
		t.Fatalf("%s returned an error result: %s", params.Name, text)
	}
	return text
}

// TestTSBackendServerToClient relays every server-to-client request and
// notification of a TypeScript SDK backend, on the POST's stream and on the
// standalone GET stream, to the client session that caused it.
func TestTSBackendServerToClient(t *testing.T) {
	_, url, _ := startTSBackend(t)
	f := &fullClient{}
	cs := connect(t, url, "2025-11-25", f.options())
	if err := cs.SetLoggingLevel(context.Background(), &mcp.SetLoggingLevelParams{Level: "info"}); err != nil {
		t.Fatalf("setLevel: %v", err)
	}
	if err := cs.Subscribe(context.Background(), &mcp.SubscribeParams{URI: "test://watched"}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	for _, stream := range []string{"post", "get"} {
		t.Run(stream, func(t *testing.T) {
			args := map[string]any{"stream": stream}
			call := func(name string) string {
				return callWithin(t, cs, 10*time.Second, &mcp.CallToolParams{Name: name, Arguments: args})
			}
			if got := call("sample"); !strings.Contains(got, "hi from client") || !strings.Contains(got, "test-model") {
				t.Errorf("sample: %s", got)
			}
			if got := call("elicit"); !strings.Contains(got, `"Ada"`) || !strings.Contains(got, `"accept"`) {
				t.Errorf("elicit: %s", got)
			}
			if got := call("elicit-url"); !strings.Contains(got, `"accept"`) {
				t.Errorf("elicit-url: %s", got)
			}
			if got := call("roots"); !strings.Contains(got, `"roots"`) {
				t.Errorf("roots: %s", got)
			}
			if got := call("ping-client"); got != "{}" {
				t.Errorf("ping-client: %s", got)
			}
			p := &mcp.CallToolParams{Name: "progress", Arguments: args}
			p.SetProgressToken("my-token")
			call2 := callWithin(t, cs, 10*time.Second, p)
			if call2 != "progressed" {
				t.Errorf("progress: %s", call2)
			}
			call("log")
			call("resource-updated")
			deadline := time.Now().Add(5 * time.Second)
			for {
				progress, logs, updated := f.snapshot()
				// Progress sent on the standalone stream races the call's answer on
				// another connection; vmcp forwards all of it (progress.go), but the
				// SDK may drop what reaches the client's answered request: counted
				// only on the POST's stream, where the order is the backend's.
				if (len(progress) >= 3 || stream == "get") && len(logs) >= 1 && len(updated) >= 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("notifications on the %s stream: progress %q, logs %q, updated %q", stream, progress, logs, updated)
				}
				time.Sleep(20 * time.Millisecond)
			}
			f.mu.Lock()
			f.progress, f.logs, f.updated = nil, nil, nil
			f.mu.Unlock()
		})
	}
}

// TestTSBackendCapabilities declares to the backend only what the client declared.
func TestTSBackendCapabilities(t *testing.T) {
	_, url, _ := startTSBackend(t)
	bare := connect(t, url, "2025-11-25", &mcp.ClientOptions{Capabilities: &mcp.ClientCapabilities{}})
	got := callWithin(t, bare, 10*time.Second, &mcp.CallToolParams{Name: "capabilities", Arguments: map[string]any{}})
	if got != "{}" {
		t.Errorf("a client declaring nothing: backend saw capabilities %s", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := bare.CallTool(ctx, &mcp.CallToolParams{Name: "roots", Arguments: map[string]any{}})
	if err == nil && !res.IsError {
		t.Errorf("roots/list to a client without roots succeeded: %+v", res)
	}
	f := &fullClient{}
	full := connect(t, url, "2025-11-25", f.options())
	got = callWithin(t, full, 10*time.Second, &mcp.CallToolParams{Name: "capabilities", Arguments: map[string]any{}})
	for _, want := range []string{`"sampling"`, `"elicitation"`, `"roots"`, `"url"`, `"form"`} {
		if !strings.Contains(got, want) {
			t.Errorf("capabilities of a full client lack %s: %s", want, got)
		}
	}
}
