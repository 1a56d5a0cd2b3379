package controllers

import (
	"context"
	"fmt"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// staticBackendProblems checks the backends a user wrote in spec.config.backends: in a
// cluster their URLs obey the MCPServerEntry rules (without allowPrivateEndpoint, which
// a static backend cannot set: private remotes go through an MCPServerEntry), and a
// stdio command, which the vmcp pod would run, is refused unless the operator allows it.
func (o *Options) staticBackendProblems(ctx context.Context, spec v1alpha1.VirtualMCPServerSpec) []string {
	if spec.Config == nil {
		return nil
	}
	var problems []string
	for i, b := range spec.Config.Backends {
		field := fmt.Sprintf("spec.config.backends[%d] (%s)", i, b.Name)
		if b.Transport == config.TransportStdio {
			if !o.AllowStdioBackends {
				problems = append(problems, field+": stdio backends run a command inside the vmcp pod and are refused in a cluster; "+
					"run the server as an MCPServer in the group (or start the operator with --allow-stdio-backends)")
			}
			continue
		}
		if err := o.checkURL(ctx, b.URL, false); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v (for a private endpoint use an MCPServerEntry with allowPrivateEndpoint: true)", field, err))
		}
	}
	return problems
}
