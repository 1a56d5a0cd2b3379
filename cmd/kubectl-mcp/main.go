// Command kubectl-mcp is a kubectl plugin (`kubectl mcp ...`) for moving MCP
// workloads from the CLI to the cluster and for running them there:
//
//	kubectl mcp convert -f FILE [-n NS] [--group G] [-o DIR] [--as-entry] [--with-group] [--keep-static] [--strict]
//	kubectl mcp doctor [NAME] [-n NS]
//	kubectl mcp tools NAME [-n NS]
//
// The logic lives in internal/convert, internal/doctor and internal/mcptools; this
// file only parses flags and prints.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `kubectl mcp: migrate MCP workloads from the CLI and diagnose them in the cluster

Commands:
  convert -f FILE   RunConfig JSON, vmcp config file or old manifests -> current manifests
  doctor [NAME]     check CRDs, the operator and a VirtualMCPServer or MCPServer; exit 1 on problems
  tools NAME        list the tools a VirtualMCPServer or MCPServer serves, with their backend

Run 'kubectl mcp COMMAND -h' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a command and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "convert":
		return runConvert(args[1:], stdout, stderr)
	case "doctor":
		return runDoctor(args[1:], stdout, stderr)
	case "tools":
		return runTools(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
	return 2
}
