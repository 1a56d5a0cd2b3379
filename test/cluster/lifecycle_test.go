//go:build cluster

package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestMCPToolConfigChange: changing the MCPToolConfig an MCPServer references rolls its
// pods and changes the tool list clients see.
func TestMCPToolConfigChange(t *testing.T) {
	ns := namespace(t, "toolconfig")
	toolConfig := func(tools ...string) string {
		return `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPToolConfig
metadata: {name: only-some}
spec:
  toolsFilter: [` + strings.Join(tools, ", ") + `]
`
	}
	apply(t, ns, toolConfig("echo"))
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: filtered}
spec:
  image: `+everythingImage+`
  transport: stdio
  args: [stdio]
  toolConfigRef: {name: only-some}
`)
	s := waitMCPServerReady(t, ns, "filtered", 2*time.Minute)
	sess := connect(t, s.Status.URL+"/mcp", nil)
	if got := toolNames(t, sess); !slices.Equal(got, []string{"echo"}) {
		t.Fatalf("tools with filter [echo]: %v", got)
	}
	before := proxyPodNames(t, ns, "filtered")

	apply(t, ns, toolConfig("echo", "get-sum"))
	eventually(t, 2*time.Minute, "proxy pods rolled", func() error {
		after := proxyPodNames(t, ns, "filtered")
		if len(after) != 1 || slices.Contains(before, after[0]) {
			return fmt.Errorf("proxy pods before %v, now %v", before, after)
		}
		return nil
	})
	waitMCPServerReady(t, ns, "filtered", 2*time.Minute)
	eventually(t, time.Minute, "new tool list for a new client", func() error {
		sess := connect(t, s.Status.URL+"/mcp", nil)
		got := toolNames(t, sess)
		slices.Sort(got)
		if !slices.Equal(got, []string{"echo", "get-sum"}) {
			return fmt.Errorf("tools with filter [echo, get-sum]: %v", got)
		}
		return nil
	})
}

// proxyPodNames lists the running proxy pods of an MCPServer.
func proxyPodNames(t *testing.T, ns, name string) []string {
	t.Helper()
	return runningPods(t, ns, map[string]string{"app.kubernetes.io/instance": name, "app.kubernetes.io/component": "proxy"})
}

// runningPods lists the pods with the labels that run and are not being deleted.
func runningPods(t *testing.T, ns string, labels map[string]string) []string {
	t.Helper()
	var pods corev1.PodList
	if err := k.List(context.Background(), &pods, client.InNamespace(ns), client.MatchingLabels(labels)); err != nil {
		t.Fatalf("list pods: %v", err)
	}
	var out []string
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning {
			out = append(out, p.Name)
		}
	}
	return out
}

// TestHelmUpgrade: `helm upgrade` of the operator with changed values rolls the manager;
// the custom resources keep working through and after it.
func TestHelmUpgrade(t *testing.T) {
	ns := namespace(t, "upgrade")
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: survivor}
spec:
  image: `+everythingImage+`
  transport: stdio
  args: [stdio]
`)
	s := waitMCPServerReady(t, ns, "survivor", 2*time.Minute)
	managerLabels := map[string]string{"app.kubernetes.io/name": "mcp-operator"}
	before := runningPods(t, operatorNS, managerLabels)
	if out, err := helm(append([]string{"upgrade", operatorRelease, root + "/helm-charts/mcp-operator", "-n", operatorNS,
		"--wait", "--timeout", "3m"}, operatorValues("logLevel=debug", "maxConcurrentReconciles=2")...)...); err != nil {
		t.Fatalf("helm upgrade: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		_, _ = helm(append([]string{"upgrade", operatorRelease, root + "/helm-charts/mcp-operator", "-n", operatorNS, "--wait"}, operatorValues()...)...)
	})
	mustKubectl(t, "rollout", "status", "-n", operatorNS, "deployment/"+operatorRelease, "--timeout=2m")
	var after []string
	eventually(t, time.Minute, "the old manager pod gone", func() error {
		after = runningPods(t, operatorNS, managerLabels)
		if len(after) != 1 || slices.Contains(before, after[0]) {
			return fmt.Errorf("manager pods before %v, now %v", before, after)
		}
		return nil
	})
	env := mustKubectl(t, "get", "deployment", operatorRelease, "-n", operatorNS, "-o", `jsonpath={.spec.template.spec.containers[0].env[?(@.name=="LOG_LEVEL")].value}`)
	if strings.TrimSpace(env) != "debug" {
		t.Errorf("LOG_LEVEL after upgrade %q, want debug", env)
	}
	sess := connect(t, s.Status.URL+"/mcp", nil)
	callText(t, sess, "echo", map[string]any{"message": "after upgrade"})
	// The new manager still reconciles: a change reaches the children.
	mustKubectl(t, "patch", "mcpserver", "survivor", "-n", ns, "--type=merge", "-p", `{"spec":{"env":[{"name":"AFTER_UPGRADE","value":"1"}]}}`)
	eventually(t, 2*time.Minute, "the new manager reconciles a change", func() error {
		out, err := kubectl("get", "statefulset", "survivor", "-n", ns, "-o", `jsonpath={.spec.template.spec.containers[0].env[?(@.name=="AFTER_UPGRADE")].value}`)
		if err == nil && strings.TrimSpace(out) != "1" {
			err = fmt.Errorf("env AFTER_UPGRADE %q", out)
		}
		return err
	})
}

// TestSeedTroubleshootingCommands: the seed's troubleshooting commands, literally (only
// the names adapted), on the migration workflow.
func TestSeedTroubleshootingCommands(t *testing.T) {
	ns := namespace(t, "troubleshoot")
	migrationSetup(t, ns)
	n := []string{"-n", ns}
	checks := []struct {
		args []string
		want string
	}{
		{[]string{"get", "pods", "-l", "app.kubernetes.io/instance=memory"}, "memory-0"},
		{[]string{"get", "pods", "-l", "app.kubernetes.io/name=memory"}, "memory-0"},
		{[]string{"get", "mcpgroup", "my-services"}, "my-services"},
		{[]string{"get", "mcpserver"}, "filesystem"},
		{[]string{"get", "virtualmcpserver", "my-vmcp", "-o", "jsonpath={.status.phase}"}, "Ready"},
		{[]string{"get", "virtualmcpserver", "my-vmcp", "-o", "jsonpath={.status.discoveredBackends}"}, `"name":"memory"`},
		{[]string{"get", "mcpserver", "-o", "custom-columns=NAME:.metadata.name,GROUP:.spec.groupRef"}, "my-services"},
		{[]string{"logs", "deployment/my-vmcp"}, ""},
		{[]string{"logs", "-l", "app.kubernetes.io/name=memory"}, ""},
		{[]string{"describe", "virtualmcpserver", "my-vmcp"}, "Discovered Backends"},
		{[]string{"describe", "mcpserver", "memory"}, "Conditions"},
		{[]string{"describe", "pod", "memory-0"}, "Started"},
		{[]string{"get", "events"}, "Started"},
		{[]string{"get", "virtualmcpserver,mcpgroup,mcpserver"}, "my-vmcp"},
	}
	for _, c := range checks {
		out := mustKubectl(t, append(c.args, n...)...)
		if !strings.Contains(out, c.want) {
			t.Errorf("kubectl %s: output lacks %q:\n%s", strings.Join(c.args, " "), c.want, out)
		}
	}
	// kubectl logs <name>-0 shows the server's own output (server-everything logs on stderr).
	if out := mustKubectl(t, "logs", "filesystem-0", "-n", ns); !strings.Contains(strings.ToLower(out), "allowed directories") && !strings.Contains(out, "running on stdio") {
		t.Errorf("kubectl logs filesystem-0 shows nothing of the server:\n%s", out)
	}
	if out := mustKubectl(t, "logs", "deployment/my-vmcp", "-n", ns); len(strings.TrimSpace(out)) == 0 {
		t.Errorf("kubectl logs deployment/my-vmcp is empty")
	}
	portForward(t, ns, "svc/vmcp-my-vmcp", "4483:4483")
	sess := connect(t, "http://127.0.0.1:4483/mcp", nil)
	if got := callText(t, sess, "everything_echo", map[string]any{"message": "port-forwarded"}); !strings.Contains(got, "port-forwarded") {
		t.Errorf("everything_echo through port-forward answered %q", got)
	}
}

// portForward runs `kubectl port-forward` for the rest of the test.
func portForward(t *testing.T, ns, target, ports string) {
	t.Helper()
	cmd := execCommand(tool("KUBECTL", "kubectl"), "port-forward", "-n", ns, target, ports)
	if err := cmd.Start(); err != nil {
		t.Fatalf("kubectl port-forward: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
}

// TestDemo is `make demo-cluster`: the seed's migration workflow on real pods, and every
// command the demo prints for the user, run literally. With DEMO_KEEP set (make
// demo-cluster) it stays running in namespace demo; otherwise the namespace is removed.
func TestDemo(t *testing.T) {
	ns := "demo"
	keep := os.Getenv("DEMO_KEEP") != ""
	if keep {
		_, _ = kubectl("create", "namespace", ns)
	} else {
		ns = namespace(t, ns)
	}
	migrationSetup(t, ns)
	how := demoCommands(ns)
	if out := mustKubectl(t, how.get...); !strings.Contains(out, "virtualmcpserver.toolhive.stacklok.dev/my-vmcp") || !strings.Contains(out, "pod/memory-0") {
		t.Errorf("kubectl %s shows neither the VirtualMCPServer nor the backend pods:\n%s", strings.Join(how.get, " "), out)
	}
	if out := mustKubectl(t, how.backends...); !strings.Contains(out, `"name":"everything"`) {
		t.Errorf("kubectl %s lacks the backends:\n%s", strings.Join(how.backends, " "), out)
	}
	out, err := run(filepath.Join(root, "bin", "kubectl-mcp"), how.tools...)
	if err != nil || !strings.Contains(out, "everything_echo") || !strings.Contains(out, "memory_read_graph") {
		t.Errorf("kubectl-mcp %s: %v\n%s", strings.Join(how.tools, " "), err, out)
	}
	portForward(t, ns, "svc/vmcp-my-vmcp", "4483:4483")
	sess := connect(t, "http://127.0.0.1:4483/mcp", nil)
	if got := callText(t, sess, "everything_echo", map[string]any{"message": "demo"}); !strings.Contains(got, "demo") {
		t.Errorf("everything_echo through the port-forward answered %q", got)
	}
	if keep {
		fmt.Printf(`
The seed's migration workflow runs on real pods in namespace %[1]s:
  bin/devcluster exec -- kubectl %[2]s
  bin/devcluster exec -- kubectl %[3]s
The tools a client sees through the VirtualMCPServer (kubectl mcp, through the API server):
  bin/devcluster exec -- bin/kubectl-mcp %[4]s
MCP endpoint inside the node's namespace: http://vmcp-my-vmcp.%[1]s.svc.cluster.local:4483/mcp
  bin/devcluster exec -- kubectl port-forward -n %[1]s svc/vmcp-my-vmcp 4483:4483
  then point an MCP client run with bin/devcluster exec at http://127.0.0.1:4483/mcp
Stop everything with: make cluster-down
`, ns, strings.Join(how.get, " "), strings.Join(how.backends, " "), strings.Join(how.tools, " "))
	}
}

// demoCommands are the commands the demo prints, as arguments of kubectl and kubectl-mcp.
func demoCommands(ns string) (c struct{ get, backends, tools []string }) {
	c.get = []string{"get", "virtualmcpserver,mcpgroup,mcpserver,pods", "-n", ns}
	c.backends = []string{"get", "virtualmcpserver", "my-vmcp", "-n", ns, "-o", "jsonpath={.status.discoveredBackends}"}
	c.tools = []string{"tools", "my-vmcp", "-n", ns}
	return c
}
