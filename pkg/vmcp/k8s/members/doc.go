// Package members turns an MCPGroup's members (MCPServers, MCPRemoteProxies and
// MCPServerEntries) into vmcp backends, and resolves each backend's outgoing
// authentication from MCPExternalAuthConfigs into the vmcp config's strategies.
//
// It is pure (objects in, values out) and shared by the two writers of a
// VirtualMCPServer's world: the operator, which renders the vmcp ConfigMap and
// the Deployment's secret env vars from it, and vmcp in Kubernetes mode, which
// applies it to the live members so a group change reaches clients without a
// restart. Sharing one function keeps both sides' backend names, URLs and
// secret env var names identical.
package members
