// Package gateway is the vmcp runtime: one MCP server (Streamable HTTP at /mcp)
// whose tools, resources and prompts are the aggregated capabilities of its
// backends. It keeps one backend session per backend per client session (shared
// sessions for stdio backends and stateless clients), routes each request to the
// backend under its original name, passes progress, cancellation, logging,
// sampling and elicitation through, and runs health checks and circuit breakers
// that add and remove a backend's capabilities as it comes and goes. Composite
// tools (workflows run by pkg/vmcp/composite) are listed beside the backends'
// tools while every backend they call is usable; their steps' calls take the
// same route, authorization, timeouts and circuit breakers as a client's. It
// also serves /health, /readyz and /metrics.
package gateway
