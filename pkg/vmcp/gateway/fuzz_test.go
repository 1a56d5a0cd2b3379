package gateway

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// FuzzMCPRequest posts arbitrary bodies to /mcp under the header combinations
// clients use (no session, stateless protocol, an existing session) and checks
// that the gateway never panics or answers 5xx, and that a well-behaved client
// session keeps working after every input.
func FuzzMCPRequest(f *testing.F) {
	f.Add(uint8(0), []byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"f","version":"1"}}}`))
	f.Add(uint8(1), []byte(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"c_count","arguments":{"x":1},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","progressToken":7}}}`))
	f.Add(uint8(2), []byte(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"c_count","arguments":"not-an-object"}}`))
	f.Add(uint8(2), []byte(`[{"jsonrpc":"2.0","id":4,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":4}}]`))
	f.Add(uint8(2), []byte(`{"jsonrpc":"2.0","id":5,"method":"resources/read","params":{"uri":"::bad"}}`))
	f.Add(uint8(2), []byte(`{"jsonrpc":"2.0","id":6,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"nope"},"argument":{"name":"a","value":"b"}}}`))
	f.Add(uint8(1), []byte(`{"jsonrpc":"2.0","id":7,"method":"prompts/get","params":{"name":"x","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}`))
	f.Add(uint8(2), []byte(`{"jsonrpc":"2.0","id":null,"method":"`))

	be := newCountingBackend(f)
	g, err := New(Options{Config: &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}}})
	if err != nil {
		f.Fatal(err)
	}
	g.Start(context.Background())
	f.Cleanup(g.Close)
	srv := httptest.NewServer(g.Handler(HTTPOptions{Guard: httpserver.Guard{LoopbackOnly: true}}))
	f.Cleanup(srv.Close)
	url := srv.URL + "/mcp"
	probe := mcp.NewClient(&mcp.Implementation{Name: "probe", Version: "1"}, nil)
	cs, err := probe.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = cs.Close() })

	f.Fuzz(func(t *testing.T, mode uint8, body []byte) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		switch mode % 3 {
		case 1:
			req.Header.Set("Mcp-Protocol-Version", "2026-07-28")
		case 2:
			req.Header.Set("Mcp-Session-Id", cs.ID())
			req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for %q", resp.StatusCode, body)
		}
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "c_count", Arguments: map[string]any{"ok": true}})
		if err != nil || res.IsError {
			t.Fatalf("the gateway broke after %q: %v", body, err)
		}
	})
}
