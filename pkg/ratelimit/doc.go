// Package ratelimit enforces the rateLimiting section of an MCPServer and of a
// VirtualMCPServer's config: token buckets that tools/call requests draw from.
// A shared bucket serves all clients together, a perUser bucket each
// authenticated subject (anonymous callers share one bucket), and tools[] add
// buckets for single tools on top of the global ones. A request needs a token
// from every bucket that applies; a refused request gets HTTP 429 with a
// Retry-After header and a JSON-RPC error, and uses up no token.
//
// Only tools/call is counted: initialization, pings and lists are how a client
// stays connected and learns what it may call, and refusing them would break
// sessions rather than slow down work. The buckets live in the process, so each
// replica limits on its own.
package ratelimit
