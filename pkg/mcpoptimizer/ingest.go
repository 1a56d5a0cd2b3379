package mcpoptimizer

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

// Ingester keeps the index and the sessions of the workloads.
type Ingester struct {
	Adapter *vmcpoptimizer.Adapter
	Log     *zap.Logger
	// AllNamespaces qualifies workload names with their namespace.
	AllNamespaces bool
	// Timeout bounds connecting to and listing one workload.
	Timeout time.Duration
	// HTTP is the client for workloads; nil means http.DefaultClient.
	HTTP *http.Client

	mu       sync.Mutex
	sessions map[string]*session // by workload key
}

type session struct {
	endpoint string
	cs       *mcp.ClientSession
}

// Result counts one ingestion.
type Result struct {
	Successful, Failed, TotalTools int
}

// Ingest connects to every workload, lists its tools and replaces the index
// with them; workloads no longer given are dropped (the "cleanup").
func (in *Ingester) Ingest(ctx context.Context, ws []Workload) Result {
	type listed struct {
		key   string
		tools []*mcp.Tool
		err   error
	}
	results := make([]listed, len(ws))
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := w.Key(in.AllNamespaces)
			tools, err := in.listTools(ctx, key, w)
			results[i] = listed{key: key, tools: tools, err: err}
		}()
	}
	wg.Wait()
	var res Result
	var entries []vmcpoptimizer.Entry
	keep := map[string]bool{}
	sort.Slice(results, func(a, b int) bool { return results[a].key < results[b].key })
	for _, r := range results {
		if r.err != nil {
			res.Failed++
			in.Log.Warn("Workload ingestion failed", zap.String("workload", r.key), zap.Error(r.err))
			continue
		}
		res.Successful++
		res.TotalTools += len(r.tools)
		keep[r.key] = true
		for _, t := range r.tools {
			exposed := *t
			exposed.Name = r.key + "_" + t.Name
			entries = append(entries, vmcpoptimizer.Entry{Server: r.key, Tool: &exposed, Original: t.Name})
		}
	}
	in.Adapter.Update(ctx, entries)
	in.dropSessions(keep)
	in.Log.Info("Workload ingestion with cleanup completed",
		zap.Int("failed", res.Failed), zap.Int("successful", res.Successful), zap.Int("total_tools", res.TotalTools))
	return res
}

// listTools lists one workload's tools: initialize and tools/list, nothing
// else, so a server whose other methods fail is still indexed.
func (in *Ingester) listTools(ctx context.Context, key string, w Workload) ([]*mcp.Tool, error) {
	ctx, cancel := context.WithTimeout(ctx, in.timeout())
	defer cancel()
	tools, err := in.tryList(ctx, key, w)
	if err != nil {
		// A kept session may have been closed by the server (idle SSE
		// streams, restarts): reconnect once before counting a failure.
		in.closeSession(key)
		tools, err = in.tryList(ctx, key, w)
		if err != nil {
			in.closeSession(key)
		}
	}
	return tools, err
}

func (in *Ingester) tryList(ctx context.Context, key string, w Workload) ([]*mcp.Tool, error) {
	cs, err := in.sessionFor(ctx, key, w)
	if err != nil {
		return nil, err
	}
	var tools []*mcp.Tool
	for t, err := range cs.Tools(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("tools/list: %w", err)
		}
		tools = append(tools, t)
	}
	return tools, nil
}

// sessionFor returns the workload's session, connecting when there is none
// or its endpoint changed.
func (in *Ingester) sessionFor(ctx context.Context, key string, w Workload) (*mcp.ClientSession, error) {
	endpoint, sse := w.Endpoint()
	in.mu.Lock()
	s := in.sessions[key]
	in.mu.Unlock()
	if s != nil && s.endpoint == endpoint {
		return s.cs, nil
	}
	if s != nil {
		in.closeSession(key)
	}
	hc := in.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	var transport mcp.Transport = &mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc}
	how := "streamable-http"
	if sse {
		transport, how = &mcp.SSEClientTransport{Endpoint: endpoint, HTTPClient: hc}, "sse"
	}
	in.Log.Info("Using "+how+" client for workload", zap.String("workload", key))
	client := mcp.NewClient(&mcp.Implementation{Name: "mcp-optimizer", Version: "1"}, nil)
	cs, err := connect(ctx, client, transport)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", endpoint, err)
	}
	in.mu.Lock()
	if in.sessions == nil {
		in.sessions = map[string]*session{}
	}
	in.sessions[key] = &session{endpoint: endpoint, cs: cs}
	in.mu.Unlock()
	return cs, nil
}

// connect opens a session that outlives ctx (an SSE stream lives as long as
// the context it was opened with) while still giving up when ctx ends.
func connect(ctx context.Context, c *mcp.Client, t mcp.Transport) (*mcp.ClientSession, error) {
	type result struct {
		cs  *mcp.ClientSession
		err error
	}
	done := make(chan result, 1)
	go func() {
		cs, err := c.Connect(context.WithoutCancel(ctx), t, nil)
		done <- result{cs, err}
	}()
	select {
	case r := <-done:
		return r.cs, r.err
	case <-ctx.Done():
		go func() { // close the session if it still comes up
			if r := <-done; r.cs != nil {
				_ = r.cs.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

func (in *Ingester) closeSession(key string) {
	in.mu.Lock()
	s := in.sessions[key]
	delete(in.sessions, key)
	in.mu.Unlock()
	if s != nil {
		_ = s.cs.Close()
	}
}

func (in *Ingester) dropSessions(keep map[string]bool) {
	in.mu.Lock()
	var gone []string
	for k := range in.sessions {
		if !keep[k] {
			gone = append(gone, k)
		}
	}
	in.mu.Unlock()
	for _, k := range gone {
		in.closeSession(k)
	}
}

// Close closes every session.
func (in *Ingester) Close() { in.dropSessions(nil) }

func (in *Ingester) timeout() time.Duration {
	if in.Timeout <= 0 {
		return 30 * time.Second
	}
	return in.Timeout
}

// Call runs call_tool on the workload that offers the exposed tool.
func (in *Ingester) Call(ctx context.Context, exposed string, args any) (*mcp.CallToolResult, error) {
	e, ok := in.Adapter.Lookup(exposed)
	if !ok {
		return toolError("call_tool: unknown tool " + exposed + "; use find_tool to find one"), nil
	}
	in.mu.Lock()
	s := in.sessions[e.Server]
	in.mu.Unlock()
	if s == nil {
		return toolError("call_tool: workload " + e.Server + " is not connected"), nil
	}
	return s.cs.CallTool(ctx, &mcp.CallToolParams{Name: e.Original, Arguments: args})
}

func toolError(msg string) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}
}
