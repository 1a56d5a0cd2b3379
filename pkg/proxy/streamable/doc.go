// Package streamable serves the MCP Streamable HTTP transport (one endpoint: POST
// for client messages, GET for the server's standalone stream, DELETE to end a
// session) on top of a bridge, at the JSON-RPC level: each HTTP session is one
// bridge.Session, answers to a POST stream back on that POST as server-sent events.
package streamable
