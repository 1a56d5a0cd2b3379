package aggregate

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Capabilities is what one backend offers.
type Capabilities struct {
	Tools     []*mcp.Tool
	Resources []*mcp.Resource
	Templates []*mcp.ResourceTemplate
	Prompts   []*mcp.Prompt
}

// Tool is an exposed tool and where calls to it go.
type Tool struct {
	Tool     *mcp.Tool // as clients see it
	Backend  string
	Original string // the backend's name for it
}

// Prompt is an exposed prompt and where requests for it go.
type Prompt struct {
	Prompt   *mcp.Prompt
	Backend  string
	Original string
}

// Resource is an exposed resource; URIs are never rewritten.
type Resource struct {
	Resource *mcp.Resource
	Backend  string
}

// Template is an exposed resource template.
type Template struct {
	Template *mcp.ResourceTemplate
	Backend  string
}

// Result is the merged view, each list sorted by exposed name or URI.
type Result struct {
	Tools     []Tool
	Prompts   []Prompt
	Resources []Resource
	Templates []Template
}

// Aggregate merges caps (keyed by backend name) under agg (defaulted). It fails
// only under manual resolution when tool names still collide, naming them.
func Aggregate(agg *config.Aggregation, caps map[string]*Capabilities) (*Result, error) {
	if agg == nil {
		agg = &config.Aggregation{}
	}
	rank := ranking(agg, caps)
	var tools []Tool
	var prompts []Prompt
	res := &Result{}
	for _, b := range rank {
		c := caps[b]
		if c == nil {
			continue
		}
		tools = append(tools, workloadTools(b, c.Tools, toolsEntry(agg, b), hideUnlisted(agg))...)
		for _, p := range c.Prompts {
			prompts = append(prompts, Prompt{Prompt: p, Backend: b, Original: p.Name})
		}
		for _, r := range c.Resources {
			res.Resources = append(res.Resources, Resource{Resource: r, Backend: b})
		}
		for _, t := range c.Templates {
			res.Templates = append(res.Templates, Template{Template: t, Backend: b})
		}
	}
	var err error
	res.Tools, err = resolveTools(agg, tools)
	if err != nil {
		return nil, err
	}
	res.Prompts = resolvePrompts(agg, prompts)
	res.Resources = firstBy(res.Resources, func(r Resource) string { return r.Resource.URI })
	res.Templates = firstBy(res.Templates, func(t Template) string { return t.Template.URITemplate })
	sort.Slice(res.Resources, func(i, j int) bool { return res.Resources[i].Resource.URI < res.Resources[j].Resource.URI })
	sort.Slice(res.Templates, func(i, j int) bool {
		return res.Templates[i].Template.URITemplate < res.Templates[j].Template.URITemplate
	})
	return res, nil
}

// ranking orders backends: priorityOrder first (priority strategy), then by name.
// Every tie-break in this package follows this order, which makes results
// independent of discovery order.
func ranking(agg *config.Aggregation, caps map[string]*Capabilities) []string {
	names := make([]string, 0, len(caps))
	for n := range caps {
		names = append(names, n)
	}
	sort.Strings(names)
	if agg.ConflictResolution != config.ConflictPriority || agg.ConflictResolutionConfig == nil {
		return names
	}
	order := agg.ConflictResolutionConfig.PriorityOrder
	pos := func(n string) int {
		if i := slices.Index(order, n); i >= 0 {
			return i
		}
		return len(order)
	}
	sort.SliceStable(names, func(i, j int) bool { return pos(names[i]) < pos(names[j]) })
	return names
}

func toolsEntry(agg *config.Aggregation, workload string) *config.WorkloadTools {
	for i := range agg.Tools {
		if agg.Tools[i].Workload == workload {
			return &agg.Tools[i]
		}
	}
	return nil
}

// hideUnlisted says backend tools are hidden unless a workload's filter names them
// (aggregation.excludeAllTools, or defaultToolVisibility deny).
func hideUnlisted(agg *config.Aggregation) bool {
	return (agg.ExcludeAllTools != nil && *agg.ExcludeAllTools) || agg.DefaultToolVisibility == "deny"
}

// workloadTools applies one workload's excludeAll, filter and overrides; hide hides the
// tools its filter does not name (every tool when it has no filter).
func workloadTools(backend string, tools []*mcp.Tool, w *config.WorkloadTools, hide bool) []Tool {
	if w != nil && w.ExcludeAll != nil && *w.ExcludeAll {
		return nil
	}
	var out []Tool
	for _, t := range tools {
		filtered := w != nil && len(w.Filter) > 0
		if (filtered && !slices.Contains(w.Filter, t.Name)) || (hide && !filtered) {
			continue
		}
		exposed := t
		if w != nil {
			if o, ok := w.Overrides[t.Name]; ok {
				exposed = override(t, o)
			}
		}
		out = append(out, Tool{Tool: exposed, Backend: backend, Original: t.Name})
	}
	return out
}

func override(t *mcp.Tool, o config.ToolOverride) *mcp.Tool {
	c := *t
	if o.Name != "" {
		c.Name = o.Name
	}
	if o.Description != "" {
		c.Description = o.Description
	}
	if o.Annotations != nil {
		c.Annotations = MCPAnnotations(o.Annotations)
	}
	return &c
}

// MCPAnnotations turns configured tool hints into the SDK's, nil for nil. Unset
// readOnly and idempotent hints are false; unset destructive and open-world hints stay
// unset, which MCP clients read as true.
func MCPAnnotations(a *config.ToolAnnotations) *mcp.ToolAnnotations {
	if a == nil {
		return nil
	}
	return &mcp.ToolAnnotations{
		Title: a.Title, ReadOnlyHint: a.ReadOnlyHint != nil && *a.ReadOnlyHint,
		DestructiveHint: a.DestructiveHint, IdempotentHint: a.IdempotentHint != nil && *a.IdempotentHint,
		OpenWorldHint: a.OpenWorldHint,
	}
}

// Prefix returns the prefix of workload under format ("{workload}_" by default).
func Prefix(format, workload string) string {
	if format == "" {
		format = config.DefaultPrefixFormat
	}
	return strings.ReplaceAll(format, "{workload}", workload)
}

func prefixFormat(agg *config.Aggregation) string {
	if agg.ConflictResolutionConfig == nil {
		return ""
	}
	return agg.ConflictResolutionConfig.PrefixFormat
}

func resolveTools(agg *config.Aggregation, tools []Tool) ([]Tool, error) {
	switch agg.ConflictResolution {
	case "", config.ConflictPrefix:
		for i := range tools {
			c := *tools[i].Tool
			c.Name = Prefix(prefixFormat(agg), tools[i].Backend) + c.Name
			tools[i].Tool = &c
		}
		return sortTools(tools), nil
	case config.ConflictManual:
		if c := conflicts(tools); len(c) > 0 {
			return nil, fmt.Errorf("conflicting tool names under manual conflict resolution: %s; rename them with aggregation.tools[].overrides or drop them with filter", strings.Join(c, "; "))
		}
		return sortTools(tools), nil
	default: // priority: tools arrive in rank order, so the first of a name wins
		return sortTools(firstBy(tools, func(t Tool) string { return t.Tool.Name })), nil
	}
}

func resolvePrompts(agg *config.Aggregation, prompts []Prompt) []Prompt {
	if agg.ConflictResolution == "" || agg.ConflictResolution == config.ConflictPrefix {
		for i := range prompts {
			c := *prompts[i].Prompt
			c.Name = Prefix(prefixFormat(agg), prompts[i].Backend) + c.Name
			prompts[i].Prompt = &c
		}
	}
	out := firstBy(prompts, func(p Prompt) string { return p.Prompt.Name })
	sort.Slice(out, func(i, j int) bool { return out[i].Prompt.Name < out[j].Prompt.Name })
	return out
}

// conflicts describes every exposed tool name offered by more than one backend.
func conflicts(tools []Tool) []string {
	by := map[string][]string{}
	for _, t := range tools {
		by[t.Tool.Name] = append(by[t.Tool.Name], t.Backend)
	}
	var out []string
	for name, backends := range by {
		if len(backends) > 1 {
			out = append(out, fmt.Sprintf("%q from %s", name, strings.Join(backends, ", ")))
		}
	}
	sort.Strings(out)
	return out
}

func sortTools(tools []Tool) []Tool {
	sort.SliceStable(tools, func(i, j int) bool { return tools[i].Tool.Name < tools[j].Tool.Name })
	return tools
}

// firstBy keeps the first item of each key, preserving order.
func firstBy[T any](items []T, key func(T) string) []T {
	seen := map[string]bool{}
	var out []T
	for _, it := range items {
		k := key(it)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, it)
	}
	return out
}
