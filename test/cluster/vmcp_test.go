//go:build cluster

package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// seedManifest reads a manifest of the seeds (test/testdata/seeds) for use in namespace ns:
// only the hard-coded "namespace: default" is dropped, so `kubectl apply -n` places it.
func seedManifest(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "test", "testdata", "seeds", file))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(data), "  namespace: default\n", "")
}

// backend returns an MCPServer of the group my-services.
func backend(name, image, transport string, args ...string) string {
	m := fmt.Sprintf(`apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: %s}
spec:
  groupRef: my-services
  image: %s
  transport: %s
  proxyPort: 8080
`, name, image, transport)
	if transport != "stdio" {
		m += "  mcpPort: 3001\n  env: [{name: PORT, value: \"3001\"}]\n"
	}
	if len(args) > 0 {
		m += "  args: [" + strings.Join(args, ", ") + "]\n"
	}
	return m
}

// fastOperational makes failures visible quickly: unhealthy after threshold × interval.
const fastOperational = `  operational:
    failureHandling:
      partialFailureMode: best_effort
      healthCheckInterval: 2s
      healthCheckTimeout: 2s
      unhealthyThreshold: 2
      statusReportingInterval: 2s
`

func getVMCP(ns, name string) (*v1alpha1.VirtualMCPServer, error) {
	v := &v1alpha1.VirtualMCPServer{}
	return v, k.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, v)
}

// waitBackends waits until the VirtualMCPServer has the phase and the backend health given.
func waitBackends(t *testing.T, ns, name string, timeout time.Duration, phase v1alpha1.Phase, want map[string]v1alpha1.BackendHealth) {
	t.Helper()
	eventually(t, timeout, fmt.Sprintf("VirtualMCPServer %s %s with %v", name, phase, want), func() error {
		v, err := getVMCP(ns, name)
		if err != nil {
			return err
		}
		got := map[string]v1alpha1.BackendHealth{}
		for _, b := range v.Status.DiscoveredBackends {
			got[b.Name] = b.Status
		}
		for n, w := range want {
			if got[n] != w {
				return fmt.Errorf("backend %s is %q, want %q (phase %s: %s)", n, got[n], w, v.Status.Phase, v.Status.Message)
			}
		}
		if v.Status.Phase != phase {
			return fmt.Errorf("phase %s (%s), want %s", v.Status.Phase, v.Status.Message, phase)
		}
		return nil
	})
}

// migrationSetup applies the seed's migration workflow in order (group, three backends,
// the seed's VirtualMCPServer with fast health checks) and waits until every backend is
// discovered healthy.
func migrationSetup(t *testing.T, ns string) string {
	t.Helper()
	apply(t, ns, seedManifest(t, "000-02-mcpgroup-my-services.yaml"))
	apply(t, ns, backend("everything", everythingImage, "streamable-http", "streamableHttp"))
	apply(t, ns, backend("memory", memoryImage, "stdio"))
	apply(t, ns, backend("filesystem", filesystemImage, "stdio", "/tmp"))
	apply(t, ns, seedManifest(t, "000-04-virtualmcpserver-my-vmcp.yaml")+fastOperational)
	for _, b := range []string{"everything", "memory", "filesystem"} {
		waitMCPServerReady(t, ns, b, 3*time.Minute)
	}
	waitBackends(t, ns, "my-vmcp", 3*time.Minute, v1alpha1.PhaseReady, map[string]v1alpha1.BackendHealth{
		"everything": v1alpha1.BackendReady, "memory": v1alpha1.BackendReady, "filesystem": v1alpha1.BackendReady})
	return "http://vmcp-my-vmcp." + ns + ".svc.cluster.local:4483/mcp"
}

// TestVirtualMCPServerMigration: the seed's migration workflow on real pods. vmcp runs as
// its Deployment with its own ServiceAccount and Role, discovers the group's backends,
// writes status.discoveredBackends; a client calls a tool of each backend through
// vmcp-<name>:4483; a fourth backend added later reaches the live session (list_changed).
func TestVirtualMCPServerMigration(t *testing.T) {
	ns := namespace(t, "migration")
	url := migrationSetup(t, ns)

	sa := strings.TrimSpace(mustKubectl(t, "get", "-n", ns, "deployment/my-vmcp", "-o", "jsonpath={.spec.template.spec.serviceAccountName}"))
	if sa == "" || sa == "default" {
		t.Fatalf("vmcp runs as service account %q, want its own", sa)
	}
	as := "--as=system:serviceaccount:" + ns + ":" + sa
	if out, _ := kubectl("auth", "can-i", "list", "mcpservers.toolhive.stacklok.dev", "-n", ns, as); strings.TrimSpace(out) != "yes" {
		t.Errorf("vmcp service account cannot list MCPServers: %s", out)
	}
	if out, _ := kubectl("auth", "can-i", "list", "mcpservers.toolhive.stacklok.dev", "-n", "default", as); strings.TrimSpace(out) != "no" {
		t.Errorf("vmcp service account may list MCPServers of another namespace: %s", out)
	}

	changed := make(chan struct{}, 1)
	sess := connect(t, url, changed)
	tools := toolNames(t, sess)
	for _, want := range []string{"everything_echo", "memory_read_graph", "filesystem_list_allowed_directories"} {
		if !contains(tools, want) {
			t.Fatalf("tools/list through vmcp lacks %s: %v", want, tools)
		}
	}
	if got := callText(t, sess, "everything_echo", map[string]any{"message": "via vmcp"}); !strings.Contains(got, "via vmcp") {
		t.Errorf("everything_echo answered %q", got)
	}
	callText(t, sess, "memory_create_entities", map[string]any{"entities": []any{
		map[string]any{"name": "cluster", "entityType": "test", "observations": []any{"runs on a real node"}}}})
	if got := callText(t, sess, "memory_read_graph", map[string]any{}); !strings.Contains(got, "runs on a real node") {
		t.Errorf("memory_read_graph answered %q", got)
	}
	if got := callText(t, sess, "filesystem_list_allowed_directories", map[string]any{}); !strings.Contains(got, "/tmp") {
		t.Errorf("filesystem_list_allowed_directories answered %q", got)
	}

	// A fourth backend joins the group: the live session hears list_changed and sees it.
	apply(t, ns, backend("extra", everythingImage, "stdio", "stdio"))
	waitMCPServerReady(t, ns, "extra", 3*time.Minute)
	select {
	case <-changed:
	case <-time.After(2 * time.Minute):
		t.Fatal("no tools/list_changed on the live session after a fourth backend joined")
	}
	eventually(t, time.Minute, "extra_echo in tools/list of the live session", func() error {
		if !contains(toolNames(t, sess), "extra_echo") {
			return fmt.Errorf("extra_echo missing")
		}
		return nil
	})
	if got := callText(t, sess, "extra_echo", map[string]any{"message": "fourth"}); !strings.Contains(got, "fourth") {
		t.Errorf("extra_echo answered %q", got)
	}
	waitBackends(t, ns, "my-vmcp", time.Minute, v1alpha1.PhaseReady, map[string]v1alpha1.BackendHealth{"extra": v1alpha1.BackendReady})
}

// TestVirtualMCPServerSSEBackend: an SSE MCPServer behind a VirtualMCPServer. Calls go
// through vmcp, and the backend session vmcp opened for the client lasts across calls and
// health checks: the server's log counts every session it accepted ("Client Connected").
// The real node showed vmcp's SSE backend sessions ending with the request that dialled
// them (each call a new session, rediscovery failing with EOF).
func TestVirtualMCPServerSSEBackend(t *testing.T) {
	ns := namespace(t, "ssevmcp")
	apply(t, ns, seedManifest(t, "000-02-mcpgroup-my-services.yaml"))
	apply(t, ns, backend("legacy", everythingImage, "sse", "sse"))
	apply(t, ns, seedManifest(t, "000-04-virtualmcpserver-my-vmcp.yaml")+fastOperational)
	waitMCPServerReady(t, ns, "legacy", 3*time.Minute)
	waitBackends(t, ns, "my-vmcp", 3*time.Minute, v1alpha1.PhaseReady, map[string]v1alpha1.BackendHealth{"legacy": v1alpha1.BackendReady})
	sess := connect(t, "http://vmcp-my-vmcp."+ns+".svc.cluster.local:4483/mcp", nil)
	sessions := func() int {
		return strings.Count(mustKubectl(t, "logs", "-n", ns, "legacy-0", "-c", "mcp"), "Client Connected")
	}
	if got := callText(t, sess, "legacy_get-sum", map[string]any{"a": 2, "b": 3}); !strings.Contains(got, "5") {
		t.Fatalf("legacy_get-sum answered %q", got)
	}
	before := sessions()
	for i := 0; i < 3; i++ {
		time.Sleep(3 * time.Second) // more than the health check interval
		if got := callText(t, sess, "legacy_get-sum", map[string]any{"a": i, "b": 10}); !strings.Contains(got, fmt.Sprint(i+10)) {
			t.Fatalf("legacy_get-sum answered %q", got)
		}
	}
	if after := sessions(); after != before {
		t.Errorf("the SSE backend accepted %d new sessions during 3 calls of one client (want 0: vmcp's sessions must outlive the request that opened them)", after-before)
	}
}
