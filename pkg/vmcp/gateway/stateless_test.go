package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// metaBackend is a Go SDK server whose tool "meta" answers with the _meta and
// arguments it received; it records the JSON-RPC id of the last tools/call.
func metaBackend(t *testing.T) (url string, lastID func() string) {
	t.Helper()
	srv := mcp.NewServer(&mcp.Implementation{Name: "meta", Version: "1"}, nil)
	srv.AddTool(&mcp.Tool{Name: "meta", InputSchema: &jsonschema.Schema{Type: "object"}},
		func(_ context.Context, r *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "ok"}},
				StructuredContent: map[string]any{"meta": r.Params.Meta, "args": json.RawMessage(r.Params.Arguments)}}, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var mu sync.Mutex
	var id string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			body, _ := io.ReadAll(r.Body)
			var m struct {
				ID     json.RawMessage
				Method string
			}
			if json.Unmarshal(body, &m) == nil && m.Method == "tools/call" {
				mu.Lock()
				id = string(m.ID)
				mu.Unlock()
			}
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs.URL, func() string { mu.Lock(); defer mu.Unlock(); return id }
}

// statelessCall POSTs a 2026-07-28 tools/call of tool and returns the HTTP
// status and the decoded answer.
func statelessCall(t *testing.T, url, tool, nameHeader string) (int, map[string]any) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":9223372036854775807,"method":"tools/call","params":{"name":"` + tool + `","arguments":{"b":1.5,"a":"x"},` +
		`"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"},` +
		`"io.modelcontextprotocol/clientCapabilities":{},"example.com/trace":"t-1"}}}`
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set(protocolHeader, statelessVersion)
	req.Header.Set("Mcp-Method", "tools/call")
	req.Header.Set("Mcp-Name", nameHeader)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	msg := string(data)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		for _, line := range strings.Split(msg, "\n") {
			if v, ok := strings.CutPrefix(line, "data: "); ok && strings.Contains(v, `"id"`) {
				msg = v
			}
		}
	}
	var answer map[string]any
	d := json.NewDecoder(strings.NewReader(msg))
	d.UseNumber()
	if err := d.Decode(&answer); err != nil {
		t.Fatalf("answer %q (HTTP %d): %v", data, resp.StatusCode, err)
	}
	return resp.StatusCode, answer
}

// TestStatelessFastPath: a 2026-07-28 tools/call forwarded as bytes is
// answered exactly as the SDK path answers it (resultType, serverInfo, the
// client's id, the backend's result), the backend sees the client's own _meta
// keys but not the protocol's, and malformed requests still get the SDK's errors.
func TestStatelessFastPath(t *testing.T) {
	be, lastID := metaBackend(t)
	backends := []config.StaticBackend{{Name: "m", URL: be}}
	fast, _ := startGateway(t, &config.Config{Backends: backends})
	sdk, _ := startGateway(t, &config.Config{Backends: backends, IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthAnonymous,
		Authz: &config.Authz{Type: config.AuthzCedar, Policies: []string{`permit(principal, action, resource);`}}}})

	code, got := statelessCall(t, fast, "m_meta", "m_meta")
	fastID := lastID()
	sdkCode, want := statelessCall(t, sdk, "m_meta", "m_meta")
	if !strings.HasPrefix(fastID, `"vmcp-fp-`) || strings.HasPrefix(lastID(), `"vmcp-fp-`) {
		t.Fatalf("backend ids %s (fast) and %s (SDK): the test does not compare the two paths", fastID, lastID())
	}
	if code != http.StatusOK || !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("fast path answered (HTTP %d)\n %s\nthe SDK path (HTTP %d)\n %s", code, g, sdkCode, w)
	}
	if got["id"] != json.Number("9223372036854775807") {
		t.Errorf("id came back as %v", got["id"])
	}
	res := got["result"].(map[string]any)
	if res["resultType"] != "complete" || res["_meta"].(map[string]any)[mcp.MetaKeyServerInfo] == nil {
		t.Errorf("result lacks resultType or serverInfo: %v", res)
	}
	meta := res["structuredContent"].(map[string]any)["meta"].(map[string]any)
	if len(meta) != 1 || meta["example.com/trace"] != "t-1" {
		t.Errorf("the backend received _meta %v, want only the client's example.com/trace", meta)
	}

	// A header that does not match the body: the SDK's own error on both.
	code, got = statelessCall(t, fast, "m_meta", "other")
	sdkCode, want = statelessCall(t, sdk, "m_meta", "other")
	if code != sdkCode || code == http.StatusOK || !reflect.DeepEqual(got["error"], want["error"]) {
		t.Errorf("mismatched Mcp-Name: fast path HTTP %d %v, SDK path HTTP %d %v", code, got, sdkCode, want)
	}
}

func TestCompleteResult(t *testing.T) {
	info := []byte(`"io.modelcontextprotocol/serverInfo":{"name":"v"}`)
	tests := map[string]struct{ in, want string }{
		"plain":         {`{"jsonrpc":"2.0","id":1,"result":{"content":[]}}`, `{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"v"}},"content":[]}}`},
		"empty result":  {`{"id":1,"result":{}}`, `{"id":1,"result":{"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"v"}}}}`},
		"own meta":      {`{"result":{"_meta":{"k":1},"x":2},"id":1}`, `{"result":{"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"v"},"k":1},"x":2},"id":1}`},
		"empty meta":    {`{"result":{"_meta":{}},"id":1}`, `{"result":{"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"v"}}},"id":1}`},
		"has both":      {`{"result":{"resultType":"input_required","_meta":{"io.modelcontextprotocol/serverInfo":{}}},"id":1}`, `{"result":{"resultType":"input_required","_meta":{"io.modelcontextprotocol/serverInfo":{}}},"id":1}`},
		"error":         {`{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"m"}}`, `{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"m"}}`},
		"has type only": {`{"id":1,"result":{"resultType":"complete"}}`, `{"id":1,"result":{"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"v"}},"resultType":"complete"}}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := string(completeResult([]byte(tc.in), info))
			if got != tc.want {
				t.Errorf("completeResult(%s)\n = %s\nwant %s", tc.in, got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("invalid JSON: %s", got)
			}
		})
	}
}

func TestBackendMessage(t *testing.T) {
	tests := map[string]struct {
		in, original, want string
	}{
		"strip and rename": {`{"id":1,"method":"tools/call","params":{"name":"p_t","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","k":"v"},"arguments":{"a":1.50}}}`, "t",
			`{"id":1,"method":"tools/call","params":{"name":"t","_meta":{"k":"v"},"arguments":{"a":1.50}}}`},
		"only protocol meta": {`{"params":{"_meta":{"io.modelcontextprotocol/clientCapabilities":{}},"name":"t"},"id":"x","method":"tools/call"}`, "",
			`{"params":{"name":"t"},"id":"x","method":"tools/call"}`},
		"escaped key kept": {`{"method":"tools/call","params":{"name":"t","_meta":{"a\"b":1}}}`, "",
			`{"method":"tools/call","params":{"name":"t","_meta":{"a\"b":1}}}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			shape, ok := parseCall([]byte(tc.in))
			if !ok {
				t.Fatal("parseCall failed")
			}
			got, ok := backendMessage([]byte(tc.in), shape, tc.original)
			if !ok || string(got) != tc.want {
				t.Errorf("backendMessage = %s, %v\nwant %s", got, ok, tc.want)
			}
		})
	}
}
