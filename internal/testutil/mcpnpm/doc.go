// Package mcpnpm starts the real MCP servers from npm (installed into node_modules by
// hack/install-tools.sh) for tests: server-everything over Streamable HTTP or SSE on
// 127.0.0.1, and the stdio commands of server-everything, server-memory and
// server-filesystem. It also locates Node 22 for the conformance suite.
package mcpnpm
