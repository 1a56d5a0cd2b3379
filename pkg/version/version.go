// Package version holds the version every binary of the project reports (`vmcp
// version`, `proxyrunner --version`, `manager --version`, the MCP implementation info
// vmcp sends). It is stamped at build time, by the Makefile, the Dockerfile and the
// image builder alike:
//
//	go build -ldflags "-X github.com/mcp-operator/mcp-operator/pkg/version.Version=0.1.0"
package version

// Version is "dev" in a build that was not stamped.
var Version = "dev"
