// Package toolreport makes the proxy runner report its MCP server's tool names
// into MCPServer.status.tools (read by the MCP Optimizer).
//
// A Reporter opens its own MCP client session to the upstream (through the
// proxy's stdio bridge, or straight to an HTTP/SSE server), lists every page of
// tools/list, and server-side applies the sorted names to the status subresource
// under the field manager "proxyrunner", so the operator's own status fields are
// never touched. It lists again on notifications/tools/list_changed, after a
// reconnect and periodically, and writes only when the list changed. It needs
// no client to have connected to the proxy.
//
// Like vmcp, it uses client-go's dynamic client rather than controller-runtime
// or typed clients, to keep the proxy runner small.
package toolreport
