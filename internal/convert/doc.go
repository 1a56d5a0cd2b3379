// Package convert turns what users bring from the CLI into manifests of the current
// API: a RunConfig JSON (`thv export --format json`, or the CLI's state file) becomes
// an MCPServer, MCPRemoteProxy or MCPServerEntry plus the MCPToolConfig and MCPGroup
// it needs; a vmcp config file becomes an MCPGroup, a VirtualMCPServer and one
// MCPServerEntry per static backend; a manifest written for an older version is
// normalised with the operator's own Normalize methods.
//
// Conversion never loses data silently: every key that is dropped or changed is a
// Note in the Report, with the reason; Options.Strict turns drops into an error.
// Secret values are never written: secrets become references plus the commands
// that create them. Output is stable byte for byte (sorted keys, sorted env).
package convert
