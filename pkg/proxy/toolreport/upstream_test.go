package toolreport

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// chanStore passes each apply to the test.
type chanStore struct{ applied chan []string }

func (c chanStore) Current(context.Context) ([]string, error) { return nil, nil }
func (c chanStore) Apply(_ context.Context, tools []string) error {
	c.applied <- tools
	return nil
}

func addTool(s *mcp.Server, name string) {
	mcp.AddTool(s, &mcp.Tool{Name: name}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{}, nil, nil
	})
}

// A real go-sdk server with two-item pages: the reporter must read every page,
// honour the tool view, and report again after notifications/tools/list_changed.
func TestReporterPagesAndListChanged(t *testing.T) {
	for _, sse := range []bool{false, true} {
		t.Run(fmt.Sprintf("sse=%v", sse), func(t *testing.T) {
			srv := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, &mcp.ServerOptions{PageSize: 2})
			for _, n := range []string{"e", "d", "c", "b", "a", "hidden"} {
				addTool(srv, n)
			}
			getServer := func(*http.Request) *mcp.Server { return srv }
			var ts *httptest.Server
			if sse {
				ts = httptest.NewServer(mcp.NewSSEHandler(getServer, nil))
			} else {
				ts = httptest.NewServer(mcp.NewStreamableHTTPHandler(getServer, nil))
			}
			defer ts.Close()
			store := chanStore{applied: make(chan []string, 4)}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := New(Options{Upstream: Upstream{Endpoint: ts.URL, SSE: sse}, Store: store, Resync: time.Hour,
				Show: func(n string) (string, bool) { return "x_" + n, n != "hidden" }})
			done := make(chan struct{})
			go func() { defer close(done); r.Run(ctx) }()

			want := []string{"x_a", "x_b", "x_c", "x_d", "x_e"}
			expectApply(t, store, want)
			addTool(srv, "f")
			expectApply(t, store, append(want, "x_f"))
			cancel()
			<-done
		})
	}
}

func expectApply(t *testing.T, s chanStore, want []string) {
	t.Helper()
	select {
	case got := <-s.applied:
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("applied (-want +got):\n%s", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no apply of %v within 15s", want)
	}
}

// TestReporterDeclaresClientCapabilities: a stdio server is initialized once for every
// client of the bridge, often by the reporter, so on a shared session the reporter must
// declare sampling and elicitation (and refuse them) rather than hide them from the real
// clients; on its own session it is a default client.
func TestReporterDeclaresClientCapabilities(t *testing.T) {
	got := make(chan *mcp.ClientCapabilities, 1)
	srv := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, &mcp.ServerOptions{
		InitializedHandler: func(_ context.Context, req *mcp.InitializedRequest) {
			got <- req.Session.InitializeParams().Capabilities
		},
	})
	ts := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	defer ts.Close()
	for _, shared := range []bool{true, false} {
		cs, err := Upstream{Endpoint: ts.URL, SharedSession: shared}.connect(context.Background(), make(chan struct{}, 1))
		if err != nil {
			t.Fatal(err)
		}
		caps := <-got
		cs.Close()
		if interactive := caps != nil && caps.Sampling != nil && caps.Elicitation != nil; interactive != shared {
			t.Fatalf("shared session %v: reporter declared %+v", shared, caps)
		}
	}
}
