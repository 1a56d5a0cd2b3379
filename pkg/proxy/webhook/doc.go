// Package webhook calls the MCPWebhookConfig webhooks of an MCPServer on each MCP
// request the proxy runner receives: mutating webhooks first (in order; each may
// rewrite the JSON-RPC request with a JSON Patch), then validating webhooks (each may
// refuse it). A refused request is answered with a JSON-RPC error and never reaches
// the MCP server.
//
// The webhook is POSTed a Review:
//
//	{"version": "v0.1.0", "uid": "<unique id>", "timestamp": "<RFC 3339>",
//	 "principal": {"sub": "...", "claims": {...}},
//	 "context": {"serverName": "...", "sourceIp": "...", "transport": "..."},
//	 "mcp_request": <the JSON-RPC request>}
//
// and answers {"allowed": true|false, "code": <JSON-RPC error code>, "message": "..."};
// a mutating webhook adds "patch_type": "json_patch" and "patch": [<RFC 6902 ops>]
// applied to mcp_request. With an HMAC secret every call carries
// X-Webhook-Timestamp (Unix seconds) and X-Webhook-Signature "sha256=<hex>" of
// HMAC-SHA256(secret, timestamp + "." + body). failurePolicy decides what happens when
// the webhook cannot be reached, times out or answers badly: fail refuses the
// request, ignore lets it through unchanged.
package webhook
