package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/composite"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// compileComposites compiles the config's composite tools. compositeToolRefs
// name Kubernetes resources that the operator inlines into compositeTools; vmcp
// itself cannot resolve them.
func compileComposites(c *config.Config) ([]*composite.Workflow, error) {
	if len(c.CompositeToolRefs) > 0 {
		return nil, errors.New("compositeToolRefs: vmcp cannot resolve VirtualMCPCompositeToolDefinition references " +
			"(the operator inlines them into compositeTools); define the workflows under compositeTools instead")
	}
	var out []*composite.Workflow
	for _, t := range c.CompositeTools {
		w, err := composite.New(t, composite.Options{})
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// publishComposites adds to next the composite tools whose workloads are all
// usable (in caps). A composite tool takes its name from a backend tool of the
// same name, which is then hidden: the workflow was configured explicitly.
func (g *Gateway) publishComposites(next *routeTable, usable map[string]bool) {
	for _, w := range g.composites {
		if missing := slices.DeleteFunc(w.Workloads(), func(name string) bool { return usable[name] }); len(missing) > 0 {
			g.log.Debug("Composite tool hidden until its backends are usable", zap.String("tool", w.Name()), zap.Strings("backends", missing))
			continue
		}
		if t, clash := next.tools[w.Name()]; clash {
			g.log.Warn("Composite tool hides a backend tool of the same name", zap.String("tool", w.Name()), zap.String("backend", t.Backend))
			delete(next.tools, w.Name())
		}
		next.composites[w.Name()] = w
	}
}

// compositeHandler runs workflow w for a tools/call: inner calls go through the
// gateway's routing (invoke: timeouts, circuit breaker) and authorization,
// elicitation steps ask the calling client, and each finished step is reported
// as progress when the client gave a progress token.
func (g *Gateway) compositeHandler(w *composite.Workflow) mcp.ToolHandler {
	run := g.runComposite(w)
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		res, suspended := run(ctx, req)
		outcome := outcomeOf(res, nil)
		if suspended {
			outcome = outcomeSuspended
		}
		g.metrics.compositeCalls.WithLabelValues(w.Name(), outcome).Inc()
		g.metrics.compositeLatency.WithLabelValues(w.Name()).Observe(time.Since(start).Seconds())
		return res, nil
	}
}

// runComposite runs one call of w; suspended is true when it waits for the
// client's input (the result then carries the input requests).
func (g *Gateway) runComposite(w *composite.Workflow) func(context.Context, *mcp.CallToolRequest) (res *mcp.CallToolResult, suspended bool) {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, bool) {
		var args map[string]any
		if raw := req.Params.Arguments; len(raw) > 0 && string(raw) != "null" {
			if err := json.Unmarshal(raw, &args); err != nil {
				return w.ToolResult(nil, fmt.Errorf("arguments must be a JSON object: %w", err)), false
			}
		}
		env := composite.Env{Caller: innerCaller{g: g, req: req}}
		if ss := req.Session; ss != nil {
			env.Progress = progressFunc(ctx, req)
			env.Elicitor = sessionElicitor{ss: ss}
			if multiRoundTrip(ss) {
				env.Elicitor = answers(req.Params.InputResponses)
				if token := req.Params.RequestState; token != "" {
					saved, ok := g.suspended.take(token, w.Name(), identity(req).Subject)
					if !ok {
						return w.ToolResult(nil, errors.New("requestState is unknown or expired; call the tool again")), false
					}
					args, env.Done = saved.args, saved.done
				}
			}
		}
		res, err := w.Run(ctx, args, env)
		if s := (*composite.Suspended)(nil); errors.As(err, &s) {
			return g.suspend(w, req, args, s), true
		}
		out := w.ToolResult(res, err)
		if out.IsError {
			g.log.Debug("Composite tool failed", zap.String("tool", w.Name()), zap.Error(err))
		}
		return out, false
	}
}

// progressFunc reports finished steps to the client when it asked for progress.
func progressFunc(ctx context.Context, req *mcp.CallToolRequest) func(done, total int, msg string) {
	tok := req.Params.GetProgressToken()
	if tok == nil {
		return nil
	}
	return func(done, total int, msg string) {
		_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{
			ProgressToken: tok, Progress: float64(done), Total: float64(total), Message: msg})
	}
}

// multiRoundTrip reports whether the client speaks a protocol version in which
// the server may not send requests while serving one (2026-07-28 and later):
// questions go back in the result as inputRequests instead.
func multiRoundTrip(ss *mcp.ServerSession) bool {
	p := ss.InitializeParams()
	return p == nil || p.ProtocolVersion >= statelessVersion
}

// suspend saves a workflow waiting for answers and returns the input-required
// result asking them, one elicitation per waiting step (keyed by step id).
func (g *Gateway) suspend(w *composite.Workflow, req *mcp.CallToolRequest, args map[string]any, s *composite.Suspended) *mcp.CallToolResult {
	token, err := g.suspended.put(suspendedCall{tool: w.Name(), subject: identity(req).Subject, args: args, done: s.Done})
	if err != nil {
		return w.ToolResult(nil, err)
	}
	asks := mcp.InputRequestMap{}
	for id, q := range s.Questions {
		asks[id] = &mcp.ElicitParams{Mode: "form", Message: q.Message, RequestedSchema: formSchema(q.Schema)}
	}
	return &mcp.CallToolResult{InputRequests: asks, RequestState: token}
}

// answers is the Elicitor of a multi round-trip call: the client's responses
// to the previous round, by step id; a step without one must ask.
type answers mcp.InputResponseMap

func (a answers) Elicit(_ context.Context, stepID, _ string, _ map[string]any) (*mcp.ElicitResult, error) {
	if r, ok := a[stepID].(*mcp.ElicitResult); ok {
		return r, nil
	}
	return nil, composite.ErrInputRequired
}

// innerCaller performs a workflow step's call on behalf of the client request
// that started the workflow.
type innerCaller struct {
	g   *Gateway
	req *mcp.CallToolRequest
}

// CallTool authorizes the call as the client, then sends it to the backend
// under the backend's own tool name.
func (c innerCaller) CallTool(ctx context.Context, workload, tool string, args map[string]any) (*mcp.CallToolResult, error) {
	if err := c.g.authorizeInner(ctx, c.req, workload, tool, args); err != nil {
		return nil, err
	}
	if b := c.g.backend(workload); b != nil {
		if caps := b.capabilities(); caps != nil && !slices.ContainsFunc(caps.Tools, func(t *mcp.Tool) bool { return t.Name == tool }) {
			return nil, fmt.Errorf("backend %s has no tool %q", workload, tool)
		}
	}
	params := &mcp.CallToolParams{Name: tool, Arguments: args}
	return invoke(ctx, c.g, c.req.Session, workload, "tools/call", func(ctx context.Context, c *conn) (*mcp.CallToolResult, error) {
		return c.cs.CallTool(ctx, params)
	})
}

// authorizeInner checks that the client may call the backend tool a step uses:
// the resource is the tool's exposed name, or "<workload>.<tool>" when the
// aggregation does not expose it (filtered out or renamed away).
func (g *Gateway) authorizeInner(ctx context.Context, req *mcp.CallToolRequest, workload, tool string, args map[string]any) error {
	if _, all := g.authz.(auth.AllowAll); all {
		return nil
	}
	resource, ok := g.routes.Load().exposed[routeKey{workload, tool}]
	if !ok {
		resource = workload + "." + tool
	}
	allowed, err := g.authz.Authorize(ctx, identity(req), auth.Operation{Action: "call_tool", Resource: resource, Arguments: args})
	if err != nil || !allowed {
		return fmt.Errorf("not authorized to call_tool %s", resource)
	}
	return nil
}

// sessionElicitor asks the client session that called the composite tool.
type sessionElicitor struct{ ss *mcp.ServerSession }

func (e sessionElicitor) Elicit(ctx context.Context, _, message string, schema map[string]any) (*mcp.ElicitResult, error) {
	return e.ss.Elicit(ctx, &mcp.ElicitParams{Message: message, RequestedSchema: formSchema(schema)})
}

// formSchema is the requested schema of an elicitation; form mode needs one.
func formSchema(schema map[string]any) map[string]any {
	if schema == nil {
		return map[string]any{"type": "object", "properties": map[string]any{}}
	}
	return schema
}
