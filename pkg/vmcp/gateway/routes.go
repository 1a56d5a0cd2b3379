package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/aggregate"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/composite"
)

// routeTable is the published aggregation: what is registered on the MCP server
// and where each item goes.
type routeTable struct {
	tools     map[string]aggregate.Tool
	prompts   map[string]aggregate.Prompt
	resources map[string]aggregate.Resource
	templates map[string]aggregate.Template
	// composites are the published composite tools, by name.
	composites map[string]*composite.Workflow
	// exposed maps a backend tool to its exposed name (for authorizing the
	// calls of composite tool steps).
	exposed map[routeKey]string
	// headerParams are the tools whose input schema binds arguments to HTTP
	// headers (x-mcp-header): the SDK checks those headers, the fast path does not.
	headerParams map[string]bool
}

// routeKey names a tool on a backend by the backend's own name for it.
type routeKey struct{ backend, tool string }

// rebuild aggregates the usable backends' capabilities and updates the server's
// lists; the SDK sends list_changed to every session for what changed.
func (g *Gateway) rebuild() {
	g.routesMu.Lock()
	defer g.routesMu.Unlock()
	caps := map[string]*aggregate.Capabilities{}
	usable := map[string]bool{}
	for _, b := range g.backendList() {
		if b.usable() {
			caps[b.def.Name] = b.capabilities()
			usable[b.def.Name] = true
		}
	}
	res, err := aggregate.Aggregate(g.cfg.Aggregation, caps)
	if err != nil {
		g.aggErr.Store(&err)
		g.log.Error("Aggregation failed; keeping the previous lists", zap.Error(err))
		return
	}
	g.aggErr.Store(nil)
	old := g.routes.Load()
	next := &routeTable{
		tools: map[string]aggregate.Tool{}, prompts: map[string]aggregate.Prompt{},
		resources: map[string]aggregate.Resource{}, templates: map[string]aggregate.Template{},
		composites: map[string]*composite.Workflow{}, exposed: map[routeKey]string{}, headerParams: map[string]bool{},
	}
	for _, t := range res.Tools {
		headers, err := checkToolSchema(t.Tool)
		if err != nil {
			g.log.Warn("Skipping tool with an unusable schema", zap.String("tool", t.Tool.Name), zap.String("backend", t.Backend), zap.Error(err))
			continue
		}
		next.tools[t.Tool.Name] = t
		if headers {
			next.headerParams[t.Tool.Name] = true
		}
		next.exposed[routeKey{t.Backend, t.Original}] = t.Tool.Name
	}
	g.publishComposites(next, usable)
	for _, p := range res.Prompts {
		next.prompts[p.Prompt.Name] = p
	}
	for _, r := range res.Resources {
		next.resources[r.Resource.URI] = r
	}
	for _, t := range res.Templates {
		next.templates[t.Template.URITemplate] = t
	}
	g.apply(old, next)
	g.routes.Store(next)
}

// apply registers what is new or changed and removes what is gone.
func (g *Gateway) apply(old, next *routeTable) {
	if g.opt != nil {
		old, next = g.applyOptimized(old, next)
	}
	defer g.publishToolList()
	g.removeTools(gone(old.tools, next.tools)...)
	g.removeTools(gone(old.composites, next.composites)...)
	g.server.RemovePrompts(gone(old.prompts, next.prompts)...)
	g.server.RemoveResources(gone(old.resources, next.resources)...)
	g.server.RemoveResourceTemplates(gone(old.templates, next.templates)...)
	for name, t := range next.tools {
		if o, ok := old.tools[name]; !ok || !reflect.DeepEqual(o, t) {
			g.addTool(t.Tool, g.callTool)
		}
	}
	for name, w := range next.composites {
		if _, ok := old.composites[name]; !ok {
			g.addTool(w.Tool(), g.compositeHandler(w))
		}
	}
	for name, p := range next.prompts {
		if o, ok := old.prompts[name]; !ok || !reflect.DeepEqual(o, p) {
			g.server.AddPrompt(p.Prompt, g.getPrompt)
		}
	}
	for uri, r := range next.resources {
		if o, ok := old.resources[uri]; !ok || !reflect.DeepEqual(o, r) {
			g.safely("resource "+uri, func() { g.server.AddResource(r.Resource, g.readResource(r.Backend)) })
		}
	}
	for uri, t := range next.templates {
		if o, ok := old.templates[uri]; !ok || !reflect.DeepEqual(o, t) {
			g.safely("resource template "+uri, func() { g.server.AddResourceTemplate(t.Template, g.readResource(t.Backend)) })
		}
	}
}

// safely runs an SDK registration that panics on malformed input (a bad URI from a
// backend must not take the gateway down).
func (g *Gateway) safely(what string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			g.log.Warn("Skipping malformed backend item", zap.String("item", what), zap.Any("error", r))
		}
	}()
	f()
}

func gone[V any](old, next map[string]V) []string {
	var out []string
	for k := range old {
		if _, ok := next[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// checkToolSchema rejects tools the SDK cannot register (input schema must be
// an object) and reports whether the schema binds parameters to headers.
func checkToolSchema(t *mcp.Tool) (headerParams bool, err error) {
	if t.InputSchema == nil {
		return false, fmt.Errorf("missing inputSchema")
	}
	b, err := json.Marshal(t.InputSchema)
	if err != nil {
		return false, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["type"] != "object" {
		return false, fmt.Errorf("inputSchema must be a JSON object with type object")
	}
	return bytes.Contains(b, []byte(`"x-mcp-header"`)), nil
}
