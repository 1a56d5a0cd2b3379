package toolreport

import (
	"context"
	"errors"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Upstream says how the reporter reaches the MCP server.
type Upstream struct {
	// Endpoint is the MCP URL: Streamable HTTP, or the SSE endpoint when SSE is set.
	Endpoint string
	// SSE selects the legacy HTTP+SSE transport.
	SSE bool
	// HTTPClient carries the requests (nil = http.DefaultClient); the runner
	// passes one that adds forwarded headers or reaches the bridge in-process.
	HTTPClient *http.Client
	// SharedSession is set when the upstream is a stdio bridge, whose one initialize
	// speaks for every client behind the proxy (see connect).
	SharedSession bool
}

func (u Upstream) transport() mcp.Transport {
	if u.SSE {
		return &mcp.SSEClientTransport{Endpoint: u.Endpoint, HTTPClient: u.HTTPClient}
	}
	return &mcp.StreamableClientTransport{Endpoint: u.Endpoint, HTTPClient: u.HTTPClient, MaxRetries: -1}
}

// errNotAClient answers the server requests that only a real client can answer.
var errNotAClient = errors.New("the proxy runner's tool reporter cannot answer this; it is not an interactive client")

// connect opens a client session; changed receives a value (without blocking) on each
// notifications/tools/list_changed. Over its own session (HTTP upstreams) the reporter is
// a default client (roots), so it lists what such a client sees. A stdio bridge is
// initialized once for every client behind the proxy, often by this reporter: there it
// also declares sampling and elicitation, as declaring less would hide those features
// from the real clients. Server requests reach the reporter only when no real client is
// active, and are refused.
func (u Upstream) connect(ctx context.Context, changed chan<- struct{}) (*mcp.ClientSession, error) {
	opts := &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			select {
			case changed <- struct{}{}:
			default:
			}
		},
	}
	if u.SharedSession {
		opts.CreateMessageHandler = func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
			return nil, errNotAClient
		}
		opts.ElicitationHandler = func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			return nil, errNotAClient
		}
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "proxyrunner-toolreport", Version: "1"}, opts)
	return c.Connect(ctx, u.transport(), nil)
}

// listTools returns the normalized names of every page of tools/list, as show
// (if not nil) presents them to clients; show drops a tool by returning false.
func listTools(ctx context.Context, s *mcp.ClientSession, show func(string) (string, bool)) ([]string, error) {
	var names []string
	for t, err := range s.Tools(ctx, nil) {
		if err != nil {
			return nil, err
		}
		name, ok := t.Name, true
		if show != nil {
			name, ok = show(name)
		}
		if ok {
			names = append(names, name)
		}
	}
	return Normalize(names), nil
}
