// Package mcpoptimizer is the standalone MCP Optimizer in Kubernetes mode
// (seed 002): it watches MCPServer resources, ingests the tools of the
// running ones (initialize + tools/list only: a server that cannot answer
// resources/list stays indexed), and serves find_tool / call_tool over them
// with the same search and tool definitions as vmcp's optimizer mode.
package mcpoptimizer
