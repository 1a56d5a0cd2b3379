//go:build cluster

package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// runConfig is what `thv export NAME FILE --format json` writes for a stdio workload of
// group services (the keys of THV-EXPORT.md that matter here).
func runConfig(name, image string, args ...string) map[string]any {
	return map[string]any{"schema_version": "v0.1.0", "image": image, "name": name, "container_name": name, "base_name": name,
		"transport": "stdio", "host": "127.0.0.1", "port": 0, "proxy_mode": "streamable-http", "group": "services", "cmd_args": args,
		"permission_profile": map[string]any{"name": "network", "network": map[string]any{"outbound": map[string]any{"insecure_allow_all": true}, "inbound": map[string]any{}}},
		"env_vars":           map[string]string{"MCP_TRANSPORT": "stdio"}}
}

// plugin runs the kubectl-mcp plugin through kubectl's plugin mechanism (`kubectl mcp`),
// with bin/ on PATH as the README tells users to install it; it returns stdout, stderr
// and the exit code.
func plugin(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	if !fileExists(filepath.Join(root, "bin", "kubectl-mcp")) {
		t.Fatalf("bin/kubectl-mcp is missing: make test-cluster builds it (make build)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool("KUBECTL", "kubectl"), append([]string{"mcp"}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(root, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("kubectl mcp %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), code
}

// TestPluginMigrationWalkthrough follows the seed's migration guide with the plugin instead
// of hand edits, on real pods: three CLI workloads exported as RunConfig JSON and the
// seed's VirtualMCPServer are converted in one go, applied with strict server-side apply,
// checked with doctor, and their tools listed and called through vmcp. Then a broken
// reference makes doctor exit 1 with the fix.
func TestPluginMigrationWalkthrough(t *testing.T) {
	ns := namespace(t, "plugin-walkthrough")
	dir := t.TempDir()
	files := []string{}
	for name, rc := range map[string]map[string]any{
		"everything": runConfig("everything", everythingImage, "stdio"),
		"memory":     runConfig("memory", memoryImage),
		"filesystem": runConfig("filesystem", filesystemImage, "/tmp"),
	} {
		b, err := json.Marshal(rc)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, name+".json")
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, "-f", f)
	}
	files = append(files, "-f", filepath.Join(root, "examples", "migration", "services-vmcp.yaml"))

	// Step 1-3 of the guide: export, review, add the group, create the VirtualMCPServer.
	out, report, code := plugin(t, append([]string{"convert", "--with-group", "-n", ns}, files...)...)
	if code != 0 {
		t.Fatalf("convert exit %d:\n%s", code, report)
	}
	t.Logf("convert report:\n%s", report)
	for _, want := range []string{"kind: MCPGroup", "kind: VirtualMCPServer", "name: memory", "apiVersion: toolhive.stacklok.dev/v1beta1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("converted manifests lack %q:\n%s", want, out)
		}
	}
	manifests := filepath.Join(dir, "services.yaml")
	if err := os.WriteFile(manifests, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	mustKubectl(t, "apply", "--server-side", "--validate=strict", "-f", manifests)

	for _, b := range []string{"everything", "memory", "filesystem"} {
		waitMCPServerReady(t, ns, b, 3*time.Minute)
	}
	eventually(t, 3*time.Minute, "services-vmcp Ready with three healthy backends", func() error {
		v, err := getVMCP(ns, "services-vmcp")
		if err != nil {
			return err
		}
		healthy := 0
		for _, b := range v.Status.DiscoveredBackends {
			if b.Status == v1alpha1.BackendReady {
				healthy++
			}
		}
		if v.Status.Phase != v1alpha1.PhaseReady || healthy != 3 {
			return fmt.Errorf("phase %s, %d healthy backends: %s", v.Status.Phase, healthy, v.Status.Message)
		}
		return nil
	})

	// Step 4: troubleshoot with the plugin.
	if out, errOut, code := plugin(t, "doctor", "services-vmcp", "-n", ns); code != 0 {
		t.Errorf("doctor on the healthy migration exit %d:\n%s%s", code, out, errOut)
	}
	out, errOut, code := plugin(t, "tools", "services-vmcp", "-n", ns)
	if code != 0 {
		t.Fatalf("tools exit %d:\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"echo", "read_graph", "list_allowed_directories", "memory", "filesystem"} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl mcp tools lacks %q:\n%s", want, out)
		}
	}
	sess := connect(t, "http://vmcp-services-vmcp."+ns+".svc.cluster.local:4483/mcp", nil)
	if got := callText(t, sess, "everything_echo", map[string]any{"message": "migrated"}); !strings.Contains(got, "migrated") {
		t.Errorf("everything_echo through the migrated vmcp answered %q", got)
	}

	// A broken reference: doctor finds it and says how to fix it.
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServer
metadata: {name: broken}
spec:
  image: `+memoryImage+`
  transport: stdio
  groupRef: {name: services}
  toolConfigRef: {name: no-such-tools}
`)
	eventually(t, time.Minute, "doctor reports the missing MCPToolConfig", func() error {
		out, errOut, code := plugin(t, "doctor", "broken", "-n", ns)
		if code != 1 || !strings.Contains(out+errOut, "no-such-tools") {
			return fmt.Errorf("doctor exit %d:\n%s%s", code, out, errOut)
		}
		return nil
	})
}
