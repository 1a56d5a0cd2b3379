// Package doctor runs the troubleshooting checklist of the migration guide against a
// cluster: CRDs and their versions, the operator, and for a VirtualMCPServer or
// MCPServer the objects it depends on (group, backends, auth refs, tool configs),
// its status (conditions, discovered backends and their staleness), its Deployment,
// Service endpoints, pods and recent Warning events. Each problem is a Finding with
// the fix; `kubectl mcp doctor` exits 1 when any finding is a problem.
package doctor
