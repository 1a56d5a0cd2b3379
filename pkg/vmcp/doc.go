// Package vmcp is the Virtual MCP Server: a gateway that puts many MCP servers
// (backends) behind one Streamable HTTP endpoint. Its parts live in subpackages:
// config (the configuration type), backend (where backends come from and how to
// reach them), aggregate (merging capability lists), health (health checks and
// circuit breaking) and gateway (the MCP server, sessions, routing and HTTP
// endpoints). See README.md for the operational semantics.
package vmcp
