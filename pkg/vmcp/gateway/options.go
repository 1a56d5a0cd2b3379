package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
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
// sampling, elicitation, roots and ping to the owning client session. An owned
// session declares to the backend exactly the capabilities its client declared,
// so a backend never asks for what the client cannot answer.
func (g *Gateway) clientOptions(c *conn) *mcp.ClientOptions {
	changed := func() {
		if b := g.backend(c.backend); b != nil {
			g.refresh(b)
		}
	}
	o := &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			g.progress.forward(r.Params)
		},
		ResourceUpdatedHandler: func(ctx context.Context, r *mcp.ResourceUpdatedNotificationRequest) {
			_ = g.server.ResourceUpdated(context.WithoutCancel(ctx), r.Params)
		},
		// Input-required results (2026-07-28) go back to the client, which answers
		// them and retries through vmcp; the backend gets the answers unchanged.
		MultiRoundTrip: &mcp.MultiRoundTripOptions{Disabled: true},
	}
	if c.owner == nil {
		// Rediscovery follows the shared session's list changes only: a backend
		// announces them on every session (server-everything does on each new
		// one, after registering the tools its client's capabilities allow), and
		// one rediscovery per client session would storm the backend.
		o.ToolListChangedHandler = func(context.Context, *mcp.ToolListChangedRequest) { changed() }
		o.PromptListChangedHandler = func(context.Context, *mcp.PromptListChangedRequest) { changed() }
		o.ResourceListChangedHandler = func(context.Context, *mcp.ResourceListChangedRequest) { changed() }
		// Discovery runs over the shared session: declare what vmcp relays for its
		// clients, since servers list some tools only to clients able to use them
		// (server-everything's get-roots-list). Such requests arriving on a shared
		// session have nobody to answer them and fail.
		o.Capabilities = &mcp.ClientCapabilities{RootsV2: &mcp.RootCapabilities{ListChanged: true},
			Sampling:    &mcp.SamplingCapabilities{},
			Elicitation: &mcp.ElicitationCapabilities{Form: &mcp.FormElicitationCapabilities{}, URL: &mcp.URLElicitationCapabilities{}}}
		o.LoggingMessageHandler = func(_ context.Context, r *mcp.LoggingMessageRequest) {
			g.log.Debug("Backend log message", zap.String("backend", c.backend), zap.Any("data", r.Params.Data))
		}
		return o
	}
	ss := c.owner
	caps := declaredCapabilities(ss)
	o.Capabilities = caps
	o.LoggingMessageHandler = func(ctx context.Context, r *mcp.LoggingMessageRequest) {
		_ = ss.Log(c.related(context.Background()), r.Params)
	}
	if caps.Sampling != nil {
		o.CreateMessageHandler = func(ctx context.Context, r *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
			return ss.CreateMessage(c.relatedTo(ctx), r.Params)
		}
	}
	if caps.Elicitation != nil {
		o.ElicitationHandler = func(ctx context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			return ss.Elicit(c.relatedTo(ctx), r.Params)
		}
		o.ElicitationCompleteHandler = func(ctx context.Context, r *mcp.ElicitationCompleteNotificationRequest) {
			_ = ss.NotifyElicitationComplete(c.related(context.Background()), r.Params)
		}
	}
	return o
}

// declaredCapabilities returns a copy of the capabilities ss's client declared.
func declaredCapabilities(ss *mcp.ServerSession) *mcp.ClientCapabilities {
	caps := &mcp.ClientCapabilities{}
	if p := ss.InitializeParams(); p != nil && p.Capabilities != nil {
		*caps = *p.Capabilities
	}
	return caps
}

// countHandled is a receiving middleware of every backend session: it counts
// the notifications dealt with, for conn.settle.
func countHandled(c *conn) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			res, err := next(ctx, method, req)
			if strings.HasPrefix(method, "notifications/") {
				c.handled.Add(1)
			}
			return res, err
		}
	}
}

// relayToClient is a receiving middleware of an owned backend session: the
// backend's roots/list and ping are answered by the client, not by vmcp's SDK
// client (which would answer roots/list with an empty list of its own).
func relayToClient(c *conn) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			switch method {
			case "roots/list":
				if declaredCapabilities(c.owner).RootsV2 == nil {
					return nil, &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: "the client does not support roots"}
				}
				p, _ := req.GetParams().(*mcp.ListRootsParams)
				return c.owner.ListRoots(c.relatedTo(ctx), p)
			case "ping":
				if err := c.owner.Ping(c.relatedTo(ctx), nil); err != nil {
					return nil, err
				}
			}
			return next(ctx, method, req)
		}
	}
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

// down reports whether b counts as unavailable for partialFailureMode fail (a
// token_exchange backend no client has used yet does not).
func (b *backendState) down() bool {
	s := b.tracker.State().Status
	return (s == health.StatusUnavailable || s == health.StatusUnknown) && !awaitingClient(b)
}

// partialFailure returns the error clients get under partialFailureMode fail
// while some backend is not usable.
func (g *Gateway) partialFailure() error {
	if g.set.bestEffort {
		return nil
	}
	var down []string
	for _, b := range g.backendList() {
		if b.down() {
			down = append(down, b.def.Name)
		}
	}
	sort.Strings(down)
	if len(down) == 0 {
		return nil
	}
	return &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: fmt.Sprintf(
		"backends unavailable: %s (partialFailureMode is fail; use best_effort to serve the healthy backends)", strings.Join(down, ", "))}
}

func identity(req mcp.Request) *auth.Identity {
	if ex := req.GetExtra(); ex != nil {
		return identityOf(ex.TokenInfo)
	}
	return identityOf(nil)
}

// identityOf is the identity policies see for a request's token info (nil: anonymous).
func identityOf(ti *sdkauth.TokenInfo) *auth.Identity {
	if ti != nil {
		return &auth.Identity{Subject: ti.UserID, Claims: ti.Extra}
	}
	return &auth.Identity{Subject: "anonymous", Anonymous: true}
}

func (g *Gateway) authorizeRequest(ctx context.Context, req mcp.Request) error {
	var op auth.Operation
	switch p := req.GetParams().(type) {
	case *mcp.CallToolParamsRaw:
		if g.opt != nil && vmcpoptimizer.IsMetaTool(p.Name) {
			return nil // authorised per found and called tool (optimizer.go)
		}
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

// toolVisible reports whether tools/list shows tool name to id: the tools id
// may call, and the optimizer's find_tool and call_tool (authorised per call).
func (g *Gateway) toolVisible(ctx context.Context, id *auth.Identity, name string) bool {
	if g.opt != nil && vmcpoptimizer.IsMetaTool(name) {
		return true
	}
	ok, err := g.authz.Authorize(ctx, id, auth.Operation{Action: "call_tool", Resource: name})
	return err == nil && ok
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
		r.Tools = slices.DeleteFunc(slices.Clone(r.Tools), func(t *mcp.Tool) bool { return !g.toolVisible(ctx, id, t.Name) })
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
