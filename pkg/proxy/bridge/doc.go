// Package bridge multiplexes many MCP client sessions over the single stdin/stdout
// stream of one stdio MCP server. It frames newline-delimited JSON-RPC, rewrites
// request ids (and progress tokens) so that every in-flight request upstream is
// unique, maps them back on the way down, routes notifications and server-to-client
// requests to the right session, initializes the server once and answers each
// session's initialize from that cached result, and redials the stream with
// exponential backoff when it ends. Frontends (Streamable HTTP, legacy SSE) sit on
// top of Session.
package bridge
