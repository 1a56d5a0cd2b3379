// Package backend says what a vmcp backend is, where the set of backends comes
// from (a Source: static from the config file now, the Kubernetes API later) and
// how vmcp opens an MCP client session to one (Streamable HTTP, SSE or a stdio
// subprocess), with its outgoing authentication applied.
package backend
