// Package k8s is vmcp's Kubernetes mode, active when VMCP_NAME and VMCP_NAMESPACE
// are set (the operator's Deployment sets them).
//
// vmcp then reads its own VirtualMCPServer and watches its MCPGroup's members
// (MCPServers, MCPRemoteProxies, MCPServerEntries) and the MCPExternalAuthConfigs
// they reference, through client-go dynamic informers restricted to its namespace.
// The result is a backend.Source: a member added, removed or changed reaches live
// client sessions as list_changed without a restart. Members are turned into
// backends by pkg/vmcp/k8s/members, the same code the operator renders the vmcp
// ConfigMap with.
//
// Every statusReportingInterval it writes status.runtime of its VirtualMCPServer (the
// backends' health, backendCount, its BackendsDiscovered view and the lastReportTime
// heartbeat) and the ToolsAggregated condition, with server-side apply under its own
// field manager (FieldManager), so the operator's fields are never touched. The
// operator lists the members in status.discoveredBackends itself and copies the health
// from status.runtime while the heartbeat is recent.
package k8s
