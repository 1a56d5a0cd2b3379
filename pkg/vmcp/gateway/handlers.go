package gateway

import (
	"context"
	"encoding/json"
	"maps"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// callTool routes a tools/call to the tool's backend under its original name.
func (g *Gateway) callTool(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	route, ok := g.routes.Load().tools[req.Params.Name]
	if !ok {
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "unknown tool " + req.Params.Name}
	}
	params := &mcp.CallToolParams{Name: route.Original, Meta: cloneMeta(req.Params.Meta)}
	if len(req.Params.Arguments) > 0 {
		params.Arguments = json.RawMessage(req.Params.Arguments)
	}
	if tok := req.Params.GetProgressToken(); tok != nil {
		id, release := g.progress.register(ctx, req.Session, tok)
		defer release()
		params.SetProgressToken(id)
	}
	return invoke(ctx, g, req.Session, route.Backend, "tools/call", func(ctx context.Context, c *conn) (*mcp.CallToolResult, error) {
		return c.cs.CallTool(ctx, params)
	})
}

// cloneMeta copies a request's _meta for the backend, without the per-request
// protocol keys of the stateless protocol (io.modelcontextprotocol/...): they
// describe the client's connection to vmcp, not vmcp's session with the backend.
func cloneMeta(m mcp.Meta) mcp.Meta {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	maps.DeleteFunc(out, func(k string, _ any) bool { return strings.HasPrefix(k, "io.modelcontextprotocol/") })
	if len(out) == 0 {
		return nil
	}
	return out
}

// getPrompt routes a prompts/get.
func (g *Gateway) getPrompt(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	route, ok := g.routes.Load().prompts[req.Params.Name]
	if !ok {
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "unknown prompt " + req.Params.Name}
	}
	params := *req.Params
	params.Name = route.Original
	params.Meta = cloneMeta(req.Params.Meta)
	return invoke(ctx, g, req.Session, route.Backend, "prompts/get", func(ctx context.Context, c *conn) (*mcp.GetPromptResult, error) {
		return c.cs.GetPrompt(ctx, &params)
	})
}

// readResource returns the handler of resources (and templates) served by backend.
func (g *Gateway) readResource(backend string) mcp.ResourceHandler {
	return func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		params := *req.Params
		params.Meta = cloneMeta(req.Params.Meta)
		return invoke(ctx, g, req.Session, backend, "resources/read", func(ctx context.Context, c *conn) (*mcp.ReadResourceResult, error) {
			return c.cs.ReadResource(ctx, &params)
		})
	}
}

// resourceBackend finds the backend serving uri: an exact resource, else the first
// template (in sorted order) whose pattern matches.
func (g *Gateway) resourceBackend(uri string) (string, bool) {
	rt := g.routes.Load()
	if r, ok := rt.resources[uri]; ok {
		return r.Backend, true
	}
	for _, t := range rt.templates {
		if templateMatches(t.Template.URITemplate, uri) {
			return t.Backend, true
		}
	}
	return "", false
}

// complete routes completion/complete by its reference (a prompt or a template).
func (g *Gateway) complete(ctx context.Context, req *mcp.CompleteRequest) (*mcp.CompleteResult, error) {
	params := *req.Params
	ref := *params.Ref
	params.Ref = &ref
	rt := g.routes.Load()
	var backend string
	switch ref.Type {
	case "ref/prompt":
		p, ok := rt.prompts[ref.Name]
		if !ok {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "unknown prompt " + ref.Name}
		}
		backend, ref.Name = p.Backend, p.Original
	default:
		t, ok := rt.templates[ref.URI]
		if !ok {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "unknown resource template " + ref.URI}
		}
		backend = t.Backend
	}
	return invoke(ctx, g, req.Session, backend, "completion/complete", func(ctx context.Context, c *conn) (*mcp.CompleteResult, error) {
		return c.cs.Complete(ctx, &params)
	})
}

// subscribe forwards resources/subscribe to the resource's backend; its updates
// come back through the backend session's ResourceUpdatedHandler.
func (g *Gateway) subscribe(ctx context.Context, req *mcp.SubscribeRequest) error {
	b, ok := g.resourceBackend(req.Params.URI)
	if !ok {
		return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "unknown resource " + req.Params.URI}
	}
	_, err := invoke(ctx, g, req.Session, b, "resources/subscribe", func(ctx context.Context, c *conn) (struct{}, error) {
		return struct{}{}, c.cs.Subscribe(ctx, req.Params)
	})
	return err
}

func (g *Gateway) unsubscribe(ctx context.Context, req *mcp.UnsubscribeRequest) error {
	b, ok := g.resourceBackend(req.Params.URI)
	if !ok {
		return nil
	}
	_, err := invoke(ctx, g, req.Session, b, "resources/unsubscribe", func(ctx context.Context, c *conn) (struct{}, error) {
		return struct{}{}, c.cs.Unsubscribe(ctx, req.Params)
	})
	return err
}
