// Package stdio is how the proxy runner reaches the stdin/stdout of a stdio MCP server:
// a Stream is one connection, a Dialer opens a new one (again after the old one ends).
// Subprocess runs the server as a local child process; the attach package implements
// the same interface over the Kubernetes pods/attach API.
package stdio
