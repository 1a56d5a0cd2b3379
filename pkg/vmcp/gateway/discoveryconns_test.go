package gateway

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestDiscoveryLeavesFewConnections starts a backend that, like server-everything,
// announces list changes in a burst right after a session opens (it registers what
// its client's capabilities allow), and answers lists as slowly as a remote server
// would. The gateway must not answer the burst with one rediscovery per
// notification in parallel: each opens four connections (the lists run
// concurrently) that the transport then keeps idle, one backend held ~23 of them
// (46 goroutines, ~1 MB of vmcp's idle RSS). Counted on the server side.
func TestDiscoveryLeavesFewConnections(t *testing.T) {
	const rounds = 5
	var open, active atomic.Int64
	var mu sync.Mutex
	var announced bool
	var server *mcp.Server
	server = mcp.NewServer(&mcp.Implementation{Name: "bursty", Version: "1"}, &mcp.ServerOptions{
		InitializedHandler: func(context.Context, *mcp.InitializedRequest) {
			mu.Lock()
			first := !announced
			announced = true
			mu.Unlock()
			if !first {
				return
			}
			go func() {
				for i := range rounds {
					addFeatures(server, fmt.Sprint(i))
					time.Sleep(25 * time.Millisecond) // past the SDK's 10ms debounce: one notification of each kind per round
				}
			}()
		},
	})
	server.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if slices.Contains([]string{"tools/list", "prompts/list", "resources/list", "resources/templates/list"}, method) {
				time.Sleep(40 * time.Millisecond)
			}
			return next(ctx, method, req)
		}
	})
	addFeatures(server, "-initial")
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			active.Add(1)
			defer active.Add(-1)
		}
		h.ServeHTTP(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	_, g := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "b", URL: srv.URL + "/mcp"}}})
	last := fmt.Sprint(rounds - 1)
	eventually(t, 20*time.Second, "the last round to be discovered", func() bool {
		b := g.backend("b")
		caps := b.capabilities()
		return caps != nil && slices.ContainsFunc(caps.Tools, func(x *mcp.Tool) bool { return x.Name == "t"+last }) &&
			slices.ContainsFunc(caps.Prompts, func(x *mcp.Prompt) bool { return x.Name == "p"+last }) &&
			slices.ContainsFunc(caps.Resources, func(x *mcp.Resource) bool { return x.Name == "r"+last })
	})
	eventually(t, 20*time.Second, "the backend to have no request in progress", func() bool { return active.Load() == 0 })
	// The standalone GET stream, one connection per concurrent list (4) and the one
	// of initialize: 5 (27-36 with a rediscovery per notification). The margin is for
	// the SDK handing over a response before its connection is back in the pool, under
	// load: the next request may dial.
	n := open.Load()
	t.Logf("%d connections open after discovery", n)
	if n > 8 {
		t.Errorf("%d connections to the backend are open after discovery, want at most 8", n)
	}
}

// addFeatures adds tool t<n>, prompt p<n> and resource r<n>.
func addFeatures(s *mcp.Server, n string) {
	s.AddTool(&mcp.Tool{Name: "t" + n, InputSchema: map[string]any{"type": "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{}, nil
		})
	s.AddPrompt(&mcp.Prompt{Name: "p" + n}, func(context.Context, *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return &mcp.GetPromptResult{}, nil
	})
	s.AddResource(&mcp.Resource{Name: "r" + n, URI: "test://r" + n}, func(context.Context, *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		return &mcp.ReadResourceResult{}, nil
	})
}
