//go:build cluster

package cluster

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

// optimizerImage is the standalone optimizer's image as make images builds it.
const optimizerImage = "ghcr.io/mcp-operator/optimizer"

// TestOptimizerQuickStart runs the Quick Start of seed 002 on the real node,
// with local images: step 1 (the operator, installed by TestMain from the
// charts as a user does), step 2 with step 3's overrides (helm install
// mcp-optimizer ./helm-charts/mcp-optimizer -n toolhive-system, image
// repository/tag and imagePullPolicy=Never), step 4 (example MCP servers:
// the npm servers of the node's images stand in for fetch and github, which
// need the internet), step 5 (kubectl get mcpserver; kubectl logs
// mcp-optimizer-0 | grep total_tools with the real counts), then Connecting
// Clients (kubectl port-forward svc/mcp-mcp-optimizer-proxy 9900:9900 and a
// client at http://localhost:9900/mcp: find_tool, then call_tool).
//
// One deviation from the chart's defaults: K8S_ALL_NAMESPACES=false, so the
// optimizer ingests this namespace only and the counts do not depend on what
// other scenarios left running on the node.
func TestOptimizerQuickStart(t *testing.T) {
	ns := namespace(t, "toolhive-system")

	// A failed earlier run may have left the cluster-scoped RBAC behind,
	// which helm install would refuse to adopt.
	_, _ = kubectl("delete", "clusterrolebinding/mcp-optimizer-reader-binding", "clusterrole/mcp-optimizer-reader", "--ignore-not-found")

	// Steps 2 and 3.
	if out, err := helm("install", "mcp-optimizer", filepath.Join(root, "helm-charts", "mcp-optimizer"), "-n", ns,
		"--set", "mcpserver.image.repository="+optimizerImage,
		"--set", "mcpserver.image.tag="+imageTag,
		"--set", "mcpserver.podTemplateSpec.spec.containers[0].imagePullPolicy=Never",
		"--set", "mcpserver.env[0].name=K8S_ALL_NAMESPACES", "--set-string", "mcpserver.env[0].value=false"); err != nil {
		t.Fatalf("helm install mcp-optimizer: %v\n%s", err, out)
	}
	// The ClusterRole and its binding outlive the namespace: uninstall first
	// (cleanups run last-registered first).
	t.Cleanup(func() { _, _ = helm("uninstall", "mcp-optimizer", "-n", ns) })
	for _, o := range []string{"serviceaccount/mcp-optimizer", "clusterrole/mcp-optimizer-reader", "clusterrolebinding/mcp-optimizer-reader-binding"} {
		mustKubectl(t, "get", o, "-n", ns)
	}

	// Step 4.
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: everything}
spec:
  image: `+everythingImage+`
  transport: stdio
  args: [stdio]
---
apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: memory}
spec:
  image: `+memoryImage+`
  transport: stdio
`)

	// Step 5.
	want := 0
	for _, name := range []string{"everything", "memory"} {
		s := waitMCPServerReady(t, ns, name, 3*time.Minute)
		n := len(toolNames(t, connect(t, s.Status.URL+"/mcp", nil)))
		if n == 0 {
			t.Fatalf("%s lists no tools", name)
		}
		want += n
	}
	waitMCPServerReady(t, ns, "mcp-optimizer", 3*time.Minute)
	if out := mustKubectl(t, "get", "mcpserver", "-n", ns); !strings.Contains(out, "mcp-optimizer") || !strings.Contains(out, "everything") || !strings.Contains(out, "memory") {
		t.Errorf("kubectl get mcpserver lacks a server:\n%s", out)
	}
	// The optimizer is an MCPServer of the namespace too: once it is Ready
	// it may ingest its own two tools as a third workload.
	eventually(t, 2*time.Minute, "kubectl logs mcp-optimizer-0 --tail=20 | grep total_tools", func() error {
		out, err := kubectl("logs", "-n", ns, "mcp-optimizer-0", "--tail=20")
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		line := lastLineWith(out, "total_tools")
		if line == "" {
			return fmt.Errorf("no total_tools line in:\n%s", out)
		}
		return checkIngestion(line, want)
	})

	// Connecting clients.
	portForward(t, ns, "svc/mcp-mcp-optimizer-proxy", "9900:9900")
	sess := connect(t, "http://127.0.0.1:9900/mcp", nil)
	if got := toolNames(t, sess); !slices.Equal(sorted(got), []string{"call_tool", "find_tool"}) {
		t.Fatalf("tools/list through the optimizer: %v, want find_tool and call_tool only", got)
	}
	found := callText(t, sess, "find_tool", map[string]any{"tool_description": "add two numbers together"})
	var res vmcpoptimizer.FindResult
	if err := json.Unmarshal([]byte(found), &res); err != nil {
		t.Fatalf("find_tool answered %q: %v", found, err)
	}
	if len(res.Tools) == 0 || res.Tools[0].Name != "everything_get-sum" {
		var names []string
		for _, tool := range res.Tools {
			names = append(names, tool.Name)
		}
		t.Fatalf("find_tool ranked %v, want everything_get-sum first", names)
	}
	if got := callText(t, sess, "call_tool", map[string]any{"tool_name": "everything_get-sum", "parameters": map[string]any{"a": 40, "b": 2}}); !strings.Contains(got, "42") {
		t.Errorf("call_tool everything_get-sum answered %q", got)
	}
}

// checkIngestion checks the optimizer's JSON log line of one ingestion: no
// failure, and the tools of the two servers (plus its own two tools when it
// ingested itself as a third workload).
func checkIngestion(line string, want int) error {
	var got struct {
		Msg        string `json:"msg"`
		Failed     int    `json:"failed"`
		Successful int    `json:"successful"`
		TotalTools int    `json:"total_tools"`
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		return fmt.Errorf("log line %q: %w", line, err)
	}
	if got.Msg != "Workload ingestion with cleanup completed" || got.Failed != 0 ||
		!(got.Successful == 2 && got.TotalTools == want || got.Successful == 3 && got.TotalTools == want+2) {
		return fmt.Errorf("ingestion line %s, want failed=0 successful=2 total_tools=%d (or successful=3 total_tools=%d with itself)", line, want, want+2)
	}
	return nil
}

func lastLineWith(out, s string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], s) {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
