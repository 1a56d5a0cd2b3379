// Package legacysse serves the legacy MCP HTTP+SSE transport (2024-11-05) on top of
// a bridge: GET /sse opens a session and announces the POST endpoint
// (/messages?sessionId=…) in an `endpoint` event; every message for the session
// then arrives on that stream as a `message` event.
package legacysse
