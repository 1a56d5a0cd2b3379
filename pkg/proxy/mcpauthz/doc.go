// Package mcpauthz is the proxy runner's MCP policy layer, an HTTP middleware in
// front of the stdio bridge or reverse proxy. It reads the JSON-RPC requests a
// client POSTs and, per request:
//
//   - maps tools/call, prompts/get and resources/read to an auth.Operation and
//     asks the shared auth.Authorizer (Cedar), refusing denied ones with a
//     JSON-RPC error that names the operation and the deciding policy ids;
//   - applies the MCPToolConfig view (toolview): calls to hidden tools are
//     refused, calls by a new name go to the original tool;
//   - rewrites the answers (JSON bodies and SSE events alike): tools/list,
//     prompts/list and resources/list keep only the items the caller may use,
//     with tools renamed and re-described;
//   - writes one audit line per request with its outcome and duration.
//
// List requests themselves are never refused: an empty list says more than an
// error. Answers that arrive on a separate event stream (legacy SSE, a
// Streamable HTTP GET stream) are recognised by their shape instead.
package mcpauthz
