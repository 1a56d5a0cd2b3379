// Package conformance runs the official MCP conformance suite
// (@modelcontextprotocol/conformance, server mode, active suite) against vmcp with
// the fixture backend behind it.
package conformance
