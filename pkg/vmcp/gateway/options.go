package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
)

func (g *Gateway) serverOptions() *mcp.ServerOptions {
	return &mcp.ServerOptions{
		CompletionHandler:  g.complete,
		SubscribeHandler:   g.subscribe,
		UnsubscribeHandler: g.unsubscribe,
		Capabilities: &mcp.ServerCapabilities{
			Tools:       &mcp.ToolCapabilities{ListChanged: true},
			Prompts:     &mcp.PromptCapabilities{ListChanged: true},
			Resources:   &mcp.ResourceCapabilities{ListChanged: true, Subscribe: true},
			Logging:     &mcp.LoggingCapabilities{},
			Completions: &mcp.CompletionCapabilities{},
		},
	}
}

// clientOptions wires a backend session's notifications and requests back to the
// gateway: progress to the asking client, list changes to rediscovery, logging,
// sampling and elicitation to the owning client session.
func (g *Gateway) clientOptions(c *conn) *mcp.ClientOptions {
	o := &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			g.progress.forward(r.Params)
			c.notes.Add(1)
		},
		ResourceUpdatedHandler: func(ctx context.Context, r *mcp.ResourceUpdatedNotificationRequest) {
			_ = g.server.ResourceUpdated(context.WithoutCancel(ctx), r.Params)
		},
	}
	if c.owner == nil {
		changed := func() {
			if b := g.backend(c.backend); b != nil {
				go g.refresh(b)
			}
		}
		o.ToolListChangedHandler = func(context.Context, *mcp.ToolListChangedRequest) { changed() }
		o.PromptListChangedHandler = func(context.Context, *mcp.PromptListChangedRequest) { changed() }
		o.ResourceListChangedHandler = func(context.Context, *mcp.ResourceListChangedRequest) { changed() }
		o.LoggingMessageHandler = func(_ context.Context, r *mcp.LoggingMessageRequest) {
			g.log.Debug("Backend log message", zap.String("backend", c.backend), zap.Any("data", r.Params.Data))
		}
		return o
	}
	ss := c.owner
	o.LoggingMessageHandler = func(ctx context.Context, r *mcp.LoggingMessageRequest) {
		_ = ss.Log(c.related(context.WithoutCancel(ctx)), r.Params)
		c.notes.Add(1)
	}
	o.CreateMessageHandler = func(ctx context.Context, r *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
		return ss.CreateMessage(c.related(ctx), r.Params)
	}
	o.ElicitationHandler = func(ctx context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		return ss.Elicit(c.related(ctx), r.Params)
	}
	return o
}

// listMethods are the list requests partialFailureMode and authorization apply to.
var listMethods = []string{"tools/list", "prompts/list", "resources/list", "resources/templates/list"}

// policyMiddleware enforces partialFailureMode fail (initialize and lists fail
// while a backend is unavailable) and authorization (lists filtered, calls gated).
func (g *Gateway) policyMiddleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if method == "initialize" || slices.Contains(listMethods, method) {
			if err := g.partialFailure(); err != nil {
				return nil, err
			}
		}
		if err := g.authorizeRequest(ctx, req); err != nil {
			return nil, err
		}
		res, err := next(ctx, method, req)
		if err != nil || res == nil {
			return res, err
		}
		return g.filterList(ctx, method, req, res), nil
	}
}

// partialFailure returns the error clients get under partialFailureMode fail
// while some backend is not usable.
func (g *Gateway) partialFailure() error {
	if g.set.bestEffort {
		return nil
	}
	var down []string
	for _, s := range g.Snapshots() {
		if (s.Status == health.StatusUnavailable || s.Status == health.StatusUnknown) && !s.AwaitingClient {
			down = append(down, s.Name)
		}
	}
	if len(down) == 0 {
		return nil
	}
	return &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: fmt.Sprintf(
		"backends unavailable: %s (partialFailureMode is fail; use best_effort to serve the healthy backends)", strings.Join(down, ", "))}
}

func identity(req mcp.Request) *auth.Identity {
	if ex := req.GetExtra(); ex != nil && ex.TokenInfo != nil {
		return &auth.Identity{Subject: ex.TokenInfo.UserID, Claims: ex.TokenInfo.Extra}
	}
	return &auth.Identity{Subject: "anonymous", Anonymous: true}
}

func (g *Gateway) authorizeRequest(ctx context.Context, req mcp.Request) error {
	var op auth.Operation
	switch p := req.GetParams().(type) {
	case *mcp.CallToolParamsRaw:
		op = auth.Operation{Action: "call_tool", Resource: p.Name}
		if _, all := g.authz.(auth.AllowAll); !all {
			_ = json.Unmarshal(p.Arguments, &op.Arguments) // policies see the scalar arguments
		}
	case *mcp.GetPromptParams:
		op = auth.Operation{Action: "get_prompt", Resource: p.Name, Arguments: toAny(p.Arguments)}
	case *mcp.ReadResourceParams:
		op = auth.Operation{Action: "read_resource", Resource: p.URI}
	case *mcp.SubscribeParams:
		// Subscribing delivers the resource's updates: the same decision as reading it.
		op = auth.Operation{Action: "read_resource", Resource: p.URI}
	case *mcp.CompleteParams:
		// Completions reveal a prompt's or template's argument values.
		var ok bool
		if op, ok = completionOperation(p); !ok {
			return nil
		}
	default:
		return nil
	}
	ok, err := g.authz.Authorize(ctx, identity(req), op)
	if err != nil || !ok {
		return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: fmt.Sprintf("not authorized to %s %s", op.Action, op.Resource)}
	}
	return nil
}

// completionOperation is the operation a completion request stands for: get_prompt of
// a ref/prompt, read_resource of a ref/resource's URI (template).
func completionOperation(p *mcp.CompleteParams) (auth.Operation, bool) {
	if p.Ref == nil {
		return auth.Operation{}, false
	}
	switch p.Ref.Type {
	case "ref/prompt":
		return auth.Operation{Action: "get_prompt", Resource: p.Ref.Name}, true
	case "ref/resource":
		return auth.Operation{Action: "read_resource", Resource: p.Ref.URI}, true
	}
	return auth.Operation{}, false
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// filterList removes the items the caller may not use from a list result.
func (g *Gateway) filterList(ctx context.Context, method string, req mcp.Request, res mcp.Result) mcp.Result {
	if _, ok := g.authz.(auth.AllowAll); ok {
		return res
	}
	id := identity(req)
	allowed := func(action, resource string) bool {
		ok, err := g.authz.Authorize(ctx, id, auth.Operation{Action: action, Resource: resource})
		return err == nil && ok
	}
	switch r := res.(type) {
	case *mcp.ListToolsResult:
		r.Tools = slices.DeleteFunc(slices.Clone(r.Tools), func(t *mcp.Tool) bool { return !allowed("call_tool", t.Name) })
	case *mcp.ListPromptsResult:
		r.Prompts = slices.DeleteFunc(slices.Clone(r.Prompts), func(p *mcp.Prompt) bool { return !allowed("get_prompt", p.Name) })
	case *mcp.ListResourcesResult:
		r.Resources = slices.DeleteFunc(slices.Clone(r.Resources), func(x *mcp.Resource) bool { return !allowed("read_resource", x.URI) })
	case *mcp.ListResourceTemplatesResult:
		// A template is listed when reading its URI template itself is permitted.
		r.ResourceTemplates = slices.DeleteFunc(slices.Clone(r.ResourceTemplates), func(x *mcp.ResourceTemplate) bool { return !allowed("read_resource", x.URITemplate) })
	}
	return res
}
