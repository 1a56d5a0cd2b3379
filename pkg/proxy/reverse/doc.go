// Package reverse is the proxy runner's reverse proxy for MCP servers that speak HTTP
// themselves (Streamable HTTP or SSE) and for remote MCP servers: it forwards every
// request to the target, streams responses without buffering, adds the configured
// headers and never passes the client's credentials upstream.
package reverse
