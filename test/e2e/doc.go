// Package e2e is the end-to-end test of the VirtualMCPServer: a local control
// plane (etcd + kube-apiserver), the operator binary, the vmcp binary in
// Kubernetes mode outside the cluster, and real npm MCP servers on 127.0.0.1
// reached through MCPServerEntry resources.
package e2e
