package optimizer

import (
	"encoding/json"
	"sort"
)

// Tool is what the index knows of one tool: the text it searches.
type Tool struct {
	// Server is the backend that offers the tool; its name is searched too
	// (a task often says "on GitHub" or "in Slack").
	Server string
	// Name identifies the tool within its server (the name a client calls).
	Name string
	// Title is the MCP title, searched with the name.
	Title string
	// Description is the tool's description.
	Description string
	// Params are the tool's input parameters.
	Params []Param
}

// Param is one input parameter of a tool.
type Param struct {
	Name        string
	Description string
}

// Key identifies a tool in the index.
type Key struct {
	Server string
	Name   string
}

// ParamsFromSchema extracts parameter names and descriptions from a JSON
// Schema (any value that marshals to one, such as an mcp.Tool's InputSchema):
// the properties of the top-level object and of objects nested in it or in its
// array items, two levels deep, in name order so the analysis is stable.
func ParamsFromSchema(schema any) []Param {
	if schema == nil {
		return nil
	}
	raw, err := json.Marshal(schema)
	if err != nil {
		return nil
	}
	var node schemaNode
	if json.Unmarshal(raw, &node) != nil {
		return nil
	}
	var out []Param
	node.collect(&out, 0)
	return out
}

// schemaNode is the part of a JSON Schema that names parameters.
type schemaNode struct {
	Description string                 `json:"description"`
	Properties  map[string]*schemaNode `json:"properties"`
	Items       *schemaNode            `json:"items"`
}

func (n *schemaNode) collect(out *[]Param, depth int) {
	if n == nil || depth > 2 {
		return
	}
	names := make([]string, 0, len(n.Properties))
	for name := range n.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := n.Properties[name]
		if p == nil {
			continue
		}
		*out = append(*out, Param{Name: name, Description: p.Description})
		p.collect(out, depth+1)
		if p.Items != nil {
			p.Items.collect(out, depth+1)
		}
	}
}
