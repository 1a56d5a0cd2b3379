package gateway

import (
	"context"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

// enableOptimizer turns on optimizer mode when the config asks for it.
func (g *Gateway) enableOptimizer() error {
	if g.cfg.Optimizer == nil {
		return nil
	}
	a, err := vmcpoptimizer.New(g.cfg.Optimizer, g.log, g.registry)
	if err != nil {
		return err
	}
	g.opt = a
	const tries = 3 // embedding.Client Retries: 2
	g.metrics.registerOptimizerMetrics(g.registry, max(g.cfg.Optimizer.EmbeddingTimeout()*tries, time.Second),
		func() float64 { return float64(a.Len()) })
	return nil
}

// applyOptimized is the optimizer's part of apply: the server lists
// find_tool and call_tool only, and the aggregated and composite tools go into
// the index. It returns the tables without tools, for apply to publish the
// prompts and resources as usual.
func (g *Gateway) applyOptimized(old, next *routeTable) (*routeTable, *routeTable) {
	if !g.optTools.Swap(true) {
		metaTools := vmcpoptimizer.Tools()
		g.addTool(metaTools[0], g.findTool)
		g.addTool(metaTools[1], g.callViaOptimizer)
	}
	entries := make([]vmcpoptimizer.Entry, 0, len(next.tools)+len(next.composites))
	for _, t := range next.tools {
		entries = append(entries, vmcpoptimizer.Entry{Server: t.Backend, Tool: t.Tool})
	}
	for _, w := range next.composites {
		entries = append(entries, vmcpoptimizer.Entry{Server: vmcpoptimizer.CompositeServer, Tool: w.Tool()})
	}
	g.opt.Update(g.ctx, entries)
	oldRest, nextRest := *old, *next
	oldRest.tools, nextRest.tools = nil, nil
	oldRest.composites, nextRest.composites = nil, nil
	return &oldRest, &nextRest
}

// findTool is find_tool: the index ranks, authorization hides what the caller
// may not call (before ranking, so a denied tool never takes a place).
func (g *Gateway) findTool(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	id := identity(req)
	allow := func(name string) bool { return true }
	if _, all := g.authz.(auth.AllowAll); !all {
		allow = func(name string) bool {
			ok, err := g.authz.Authorize(ctx, id, auth.Operation{Action: "call_tool", Resource: name})
			return err == nil && ok
		}
	}
	start := time.Now()
	res, err := g.opt.Find(ctx, req.Params.Arguments, allow)
	g.metrics.optFindLatency.Observe(time.Since(start).Seconds())
	g.metrics.optFinds.WithLabelValues(outcomeOf(res, err)).Inc()
	return res, err
}

// callViaOptimizer is call_tool: it authorises the named tool with its
// arguments and runs it through the same handler as a direct tools/call, so
// timeouts, the circuit breaker and composite workflows all apply.
func (g *Gateway) callViaOptimizer(ctx context.Context, req *mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
	defer func() { g.metrics.optCalls.WithLabelValues(outcomeOf(res, err)).Inc() }()
	args, err := vmcpoptimizer.ParseCall(req.Params.Arguments)
	if err != nil {
		return toolError(err.Error()), nil
	}
	inner := &mcp.CallToolRequest{Session: req.Session, Extra: req.Extra, Params: &mcp.CallToolParamsRaw{
		Meta: req.Params.Meta, Name: args.ToolName, Arguments: args.Parameters,
	}}
	if err := g.authorizeRequest(ctx, inner); err != nil {
		return nil, err
	}
	if w, ok := g.routes.Load().composites[args.ToolName]; ok {
		return g.compositeHandler(w)(ctx, inner)
	}
	if _, ok := g.opt.Lookup(args.ToolName); !ok {
		return toolError("call_tool: unknown tool " + args.ToolName + "; use find_tool to find one"), nil
	}
	return g.callTool(ctx, inner)
}

func toolError(msg string) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}
}
