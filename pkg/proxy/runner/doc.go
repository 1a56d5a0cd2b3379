// Package runner assembles a proxy runner from its configuration: the stdio bridge
// (subprocess or pods/attach) behind Streamable HTTP or legacy SSE, or the reverse
// proxy for HTTP servers and remotes; with /health, /metrics, the Origin/Host guard
// and body limit, the shared auth hooks, and graceful shutdown.
package runner
