package mcpoptimizer

import (
	"context"
	"encoding/json"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

// NewServer is the optimizer's MCP server: find_tool and call_tool.
func NewServer(in *Ingester, version string) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "mcp-optimizer", Version: version}, nil)
	tools := vmcpoptimizer.Tools()
	s.AddTool(tools[0], func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return in.Adapter.Find(ctx, req.Params.Arguments, func(string) bool { return true })
	})
	s.AddTool(tools[1], func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args, err := vmcpoptimizer.ParseCall(req.Params.Arguments)
		if err != nil {
			return toolError(err.Error()), nil
		}
		return in.Call(ctx, args.ToolName, json.RawMessage(args.Parameters))
	})
	return s
}
