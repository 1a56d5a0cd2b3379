package main

import (
	"os"

	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
)

// envAllowedHosts is the default of --allowed-hosts.
const envAllowedHosts = "VMCP_ALLOWED_HOSTS"

// hostGuard is the DNS-rebinding guard for the listen host: on loopback only loopback
// names; otherwise loopback names, IP literals (the pod IP) and the allowed names, which
// default in Kubernetes mode to the names of Service vmcp-<VMCP_NAME>.
func hostGuard(listenHost string, allowed []string) httpserver.Guard {
	if len(allowed) == 0 {
		if name := os.Getenv("VMCP_NAME"); name != "" {
			allowed = httpserver.ServiceHosts("vmcp-"+name, os.Getenv("VMCP_NAMESPACE"))
		}
	}
	return httpserver.Guard{LoopbackOnly: httpserver.IsLoopbackHost(listenHost), AllowedHosts: allowed}
}
