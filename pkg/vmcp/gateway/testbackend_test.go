package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// countingBackend is a Go SDK MCP server that counts what reaches it: sessions
// opened and closed, HTTP requests and tool calls.
type countingBackend struct {
	URL       string
	opened    atomic.Int64
	closed    atomic.Int64
	posts     atomic.Int64
	calls     atomic.Int64
	lastAuth  atomic.Value // string: the Authorization header of the last request
	cancelled atomic.Int64 // calls of "wait" that saw their context cancelled
	server    *mcp.Server
	// byMethod holds the request headers of the last POST of each JSON-RPC method.
	byMethod sync.Map
}

// headersOf returns the headers of the last POST of method (nil if none came).
func (b *countingBackend) headersOf(method string) http.Header {
	v, ok := b.byMethod.Load(method)
	if !ok {
		return nil
	}
	return v.(http.Header)
}

func newCountingBackend(t testing.TB) *countingBackend {
	t.Helper()
	b := &countingBackend{}
	b.server = mcp.NewServer(&mcp.Implementation{Name: "counting", Version: "1"}, &mcp.ServerOptions{
		PageSize: 2, // the gateway must follow cursors to see every tool
		InitializedHandler: func(_ context.Context, r *mcp.InitializedRequest) {
			b.opened.Add(1)
			go func() { _ = r.Session.Wait(); b.closed.Add(1) }()
		},
	})
	b.server.AddTool(&mcp.Tool{Name: "count", InputSchema: &jsonschema.Schema{Type: "object"}},
		func(_ context.Context, r *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			n := b.calls.Add(1)
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(r.Params.Arguments)}},
				StructuredContent: map[string]any{"n": n}}, nil
		})
	b.server.AddTool(&mcp.Tool{Name: "fail", InputSchema: &jsonschema.Schema{Type: "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "it failed"}}}, nil
		})
	b.server.AddTool(&mcp.Tool{Name: "wait", InputSchema: &jsonschema.Schema{Type: "object"}},
		func(ctx context.Context, _ *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			<-ctx.Done()
			b.cancelled.Add(1)
			return nil, ctx.Err()
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return b.server }, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			b.posts.Add(1)
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var m struct {
				Method string `json:"method"`
			}
			if json.Unmarshal(body, &m) == nil && m.Method != "" {
				b.byMethod.Store(m.Method, r.Header.Clone())
			}
		}
		b.lastAuth.Store(r.Header.Get("Authorization") + "|" + r.Header.Get("X-Backend-Key"))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	b.URL = srv.URL
	return b
}
