package backend

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestDialOutlivesItsContext: a session dialled with a short-lived context (a health
// probe's, a request's) keeps working after that context ends, over both HTTP
// transports. The SSE transport binds its event stream to the context given to
// Connect; seen on the real node as backend sessions dropping with EOF.
func TestDialOutlivesItsContext(t *testing.T) {
	for name, tc := range map[string]struct {
		serverTransport string
		transport       config.Transport
	}{
		"sse":             {"sse", config.TransportSSE},
		"streamable-http": {"streamableHttp", config.TransportStreamableHTTP},
	} {
		t.Run(name, func(t *testing.T) {
			srv := mcpnpm.StartEverything(t, tc.serverTransport)
			b := Backend{Name: "everything", URL: srv.URL, Transport: tc.transport}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			client := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
			cs, err := Dial(ctx, b, nil, client, false, "")
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			defer cs.Close()
			time.Sleep(200 * time.Millisecond) // let a cancelled stream close, if it would
			cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer ccancel()
			res, err := cs.CallTool(cctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": "after"}})
			if err != nil {
				t.Fatalf("call after the dial context ended: %v", err)
			}
			if tc, ok := res.Content[0].(*mcp.TextContent); !ok || !strings.Contains(tc.Text, "after") {
				t.Fatalf("echo answered %+v", res.Content)
			}
		})
	}
}

// TestDialHonoursItsContext: a context that ends while connecting still stops the dial.
func TestDialHonoursItsContext(t *testing.T) {
	srv := mcpnpm.StartEverything(t, "sse")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := Backend{Name: "everything", URL: srv.URL, Transport: config.TransportSSE}
	if _, err := Dial(ctx, b, nil, mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil), false, ""); err == nil {
		t.Fatal("dial with a cancelled context succeeded")
	}
}
