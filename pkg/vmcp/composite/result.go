package composite

import (
	"encoding/json"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// outputOf is a successful call's output for templates: its structured content
// when present, else its text parsed as JSON when it parses, else the text.
func outputOf(res *mcp.CallToolResult) any {
	if res.StructuredContent != nil {
		return res.StructuredContent
	}
	text := resultText(res)
	var v any
	if err := json.Unmarshal([]byte(text), &v); err == nil {
		return v
	}
	return text
}

// resultText joins a result's text content blocks with newlines.
func resultText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// toolResult presents a workflow's output: an object becomes structured content
// and its JSON text; a string is the text; anything else its JSON text.
func toolResult(out any) *mcp.CallToolResult {
	if s, ok := out.(string); ok {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return errorResult("the workflow output cannot be encoded as JSON: " + err.Error())
	}
	res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(b)}}}
	if m, ok := out.(map[string]any); ok {
		res.StructuredContent = m
	}
	return res
}

func errorResult(msg string) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}
}
