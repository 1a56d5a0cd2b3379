// Package attach reaches a stdio MCP server running in a Kubernetes pod through the
// pods/attach API (client-go remotecommand; WebSocket with SPDY fallback): stdin and
// stdout of container `mcp` of pod `<name>-0`, no TTY. It implements stdio.Dialer, so
// the bridge redials it with backoff when the pod restarts.
package attach
