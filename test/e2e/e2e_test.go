package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/controllers"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
)

// Fast failure handling so the test sees a dead backend quickly: unhealthy after
// threshold × interval, reported within one more statusReportingInterval.
const (
	checkInterval  = time.Second
	threshold      = 2
	reportInterval = time.Second
)

// env is the running system.
type env struct {
	t       *testing.T
	root    string
	bin     string
	cp      *localcp.ControlPlane
	c       client.Client
	logs    *bytes.Buffer
	vmcpURL string
}

func TestVirtualMCPServerEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs bin/k8s, node_modules and ~1 minute")
	}
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	everything := mcpnpm.StartEverything(t, "streamableHttp")
	memoryURL := e.stdioBackend(mcpnpm.Memory)
	e.create(ctx, &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Name: "my-services", Namespace: "default"}})
	e.create(ctx, entry("everything", everything.URL))
	e.create(ctx, entry("memory", memoryURL))
	e.applySeedVMCP(ctx)
	e.runVMCP(ctx)

	e.waitFor("phase Ready with both backends ready", func(v *v1alpha1.VirtualMCPServer) error {
		return expect(v, v1alpha1.PhaseReady, map[string]v1alpha1.BackendHealth{"everything": v1alpha1.BackendReady, "memory": v1alpha1.BackendReady})
	})

	changed := make(chan struct{}, 16)
	session := e.connect(ctx, changed)
	tools := listTools(ctx, t, session)
	for _, want := range []string{"everything_echo", "memory_read_graph"} {
		if !slices.Contains(tools, want) {
			t.Fatalf("aggregated tools %v lack %s", tools, want)
		}
	}
	callText(ctx, t, session, "everything_echo", map[string]any{"message": "hello vmcp"}, "hello vmcp")
	callText(ctx, t, session, "memory_read_graph", map[string]any{}, "entities")

	t.Run("a new entry reaches the live session with list_changed", func(t *testing.T) {
		dir := t.TempDir()
		fsURL := e.stdioBackend(mcpnpm.Filesystem, dir)
		e.create(ctx, entry("files", fsURL))
		deadline := time.After(30 * time.Second)
		for {
			select {
			case <-changed:
				if slices.Contains(listTools(ctx, t, session), "files_list_allowed_directories") {
					callText(ctx, t, session, "files_list_allowed_directories", map[string]any{}, filepath.Base(dir))
					return
				}
			case <-deadline:
				t.Fatalf("no list_changed bringing files_list_allowed_directories; tools: %v", listTools(ctx, t, session))
			}
		}
	})

	t.Run("a killed backend turns unhealthy and the phase Degraded; best_effort keeps serving", func(t *testing.T) {
		killed := time.Now()
		everything.Kill()
		e.waitFor("everything unhealthy, phase Degraded", func(v *v1alpha1.VirtualMCPServer) error {
			return expect(v, v1alpha1.PhaseDegraded, map[string]v1alpha1.BackendHealth{"everything": v1alpha1.BackendUnavailable, "memory": v1alpha1.BackendReady})
		})
		// interval × threshold, one report interval, and slack for the operator and scheduling.
		if took, limit := time.Since(killed), checkInterval*threshold+reportInterval+5*time.Second; took > limit {
			t.Errorf("Degraded after %s, want within %s", took, limit)
		}
		tools := listTools(ctx, t, session)
		if !slices.Contains(tools, "memory_read_graph") {
			t.Fatalf("best_effort: healthy backend's tools are gone: %v", tools)
		}
		callText(ctx, t, session, "memory_read_graph", map[string]any{}, "entities")
	})

	t.Run("a manual conflict resolution that leaves a clash is reported on the resource", func(t *testing.T) {
		e.testManualConflictReported(ctx, t)
	})

	t.Run("kubernetes service-account tokens are validated against the API server", func(t *testing.T) {
		e.testServiceAccountTokens(ctx, t)
	})

	// Last: its Secret env var restarts vmcp, ending the session above.
	t.Run("an HTTPS entry is verified with its caBundleRef and gets its headerForward", func(t *testing.T) {
		e.testEntryHeadersAndCABundle(ctx, t)
	})
	if t.Failed() {
		t.Logf("process output:\n%s", logs(e.logs))
	}
}

// setup builds the binaries, starts the control plane and the operator.
func setup(t *testing.T) *env {
	root := mcpnpm.RepoRoot(t)
	e := &env{t: t, root: root, bin: t.TempDir(), logs: &bytes.Buffer{}}
	for _, cmd := range []string{"manager", "vmcp", "proxyrunner"} {
		build := exec.Command("go", "build", "-o", filepath.Join(e.bin, cmd), "./cmd/"+cmd)
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/%s: %v\n%s", cmd, err, out)
		}
	}
	cp, err := localcp.Start(localcp.Options{RepoRoot: root, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	e.cp = cp
	if e.c, err = client.New(cp.Config, client.Options{Scheme: controllers.NewScheme()}); err != nil {
		t.Fatal(err)
	}
	e.start("manager", []string{"KUBECONFIG=" + cp.Kubeconfig, "VMCP_IMAGE=vmcp:e2e"},
		"--allow-loopback-endpoints", "--metrics-bind-address=0", "--health-probe-bind-address=0")
	return e
}

// start runs a binary from e.bin until the test ends.
func (e *env) start(name string, envv []string, args ...string) {
	p, err := localcp.StartProcess(filepath.Join(e.bin, name), syncWriter{e.logs, name}, envv, args...)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = p.Stop(5 * time.Second) })
}

// stdioBackend runs an npm stdio server behind the proxy runner; it returns the URL.
func (e *env) stdioBackend(s mcpnpm.Server, extra ...string) string {
	port := mcpnpm.FreePort(e.t)
	node, args := mcpnpm.StdioCommand(e.t, s, extra...)
	e.start("proxyrunner", nil, append([]string{"--transport=stdio", "--proxy-mode=streamable-http", fmt.Sprintf("--port=%d", port), "--", node}, args...)...)
	url := fmt.Sprintf("http://127.0.0.1:%d/mcp", port)
	waitHTTP(e.t, fmt.Sprintf("http://127.0.0.1:%d/health", port))
	return url
}

func entry(name, url string) *v1alpha1.MCPServerEntry {
	return &v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: v1alpha1.MCPServerEntrySpec{RemoteURL: url, Transport: v1alpha1.RemoteTransportStreamableHTTP, GroupRef: &v1alpha1.GroupRef{Name: "my-services"}}}
}

func (e *env) create(ctx context.Context, o client.Object) {
	if err := e.c.Create(ctx, o); err != nil {
		e.t.Fatalf("create %T %s: %v", o, o.GetName(), err)
	}
}

// applySeedVMCP applies the seed's VirtualMCPServer (legacy config.groupRef and
// top-level aggregation) with the seed's best_effort fragment and fast intervals
// added in the same legacy top-level operational form, and the seed's
// TOOLHIVE_REMOTE_HEALTHCHECKS podTemplateSpec fragment.
func (e *env) applySeedVMCP(ctx context.Context) {
	data, err := os.ReadFile(filepath.Join(e.root, "test", "testdata", "seeds", "000-04-virtualmcpserver-my-vmcp.yaml"))
	if err != nil {
		e.t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(data, &u.Object); err != nil {
		e.t.Fatal(err)
	}
	operational := map[string]any{"failureHandling": map[string]any{
		"partialFailureMode":      "best_effort",
		"healthCheckInterval":     checkInterval.String(),
		"healthCheckTimeout":      checkInterval.String(),
		"unhealthyThreshold":      int64(threshold),
		"statusReportingInterval": reportInterval.String(),
	}}
	if err := unstructured.SetNestedMap(u.Object, operational, "spec", "operational"); err != nil {
		e.t.Fatal(err)
	}
	// The entries are remote workloads: health-checked only with the seed's
	// TOOLHIVE_REMOTE_HEALTHCHECKS fragment (the killed-backend step needs it).
	pod := map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "vmcp",
		"env": []any{map[string]any{"name": "TOOLHIVE_REMOTE_HEALTHCHECKS", "value": "true"}}}}}}
	if err := unstructured.SetNestedMap(u.Object, pod, "spec", "podTemplateSpec"); err != nil {
		e.t.Fatal(err)
	}
	if err := e.c.Create(ctx, u); err != nil {
		e.t.Fatalf("apply seed VirtualMCPServer: %v", err)
	}
}

// runVMCP runs the operator-rendered vmcp Deployment as a local process in Kubernetes mode.
func (e *env) runVMCP(ctx context.Context) {
	port := mcpnpm.FreePort(e.t)
	d := localcp.RunDeployment(ctx, localcp.DeploymentOptions{Client: e.c, Namespace: "default", Name: "my-vmcp", Container: "vmcp",
		Binary: filepath.Join(e.bin, "vmcp"), Port: port, ReadyPath: "/readyz", Kubeconfig: e.cp.Kubeconfig, Dir: e.t.TempDir(),
		Out: syncWriter{e.logs, "vmcp"}})
	e.t.Cleanup(d.Stop)
	e.vmcpURL = fmt.Sprintf("http://127.0.0.1:%d/mcp", port)
}

// waitFor polls the VirtualMCPServer until check passes (60 s).
func (e *env) waitFor(what string, check func(*v1alpha1.VirtualMCPServer) error) {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		v := &v1alpha1.VirtualMCPServer{}
		if err = e.c.Get(context.Background(), types.NamespacedName{Namespace: "default", Name: "my-vmcp"}, v); err == nil {
			if err = check(v); err == nil {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.t.Fatalf("%s: %v\nprocess output:\n%s", what, err, logs(e.logs))
}

// expect checks the phase and the reported health of the named backends.
func expect(v *v1alpha1.VirtualMCPServer, phase v1alpha1.Phase, backends map[string]v1alpha1.BackendHealth) error {
	got := map[string]v1alpha1.BackendHealth{}
	for _, b := range v.Status.DiscoveredBackends {
		got[b.Name] = b.Status
	}
	for name, want := range backends {
		if got[name] != want {
			return fmt.Errorf("backend %s is %q, want %q (phase %s: %s)", name, got[name], want, v.Status.Phase, v.Status.Message)
		}
	}
	if v.Status.Phase != phase {
		return fmt.Errorf("phase %s (%s), want %s", v.Status.Phase, v.Status.Message, phase)
	}
	if int(v.Status.BackendCount) != len(v.Status.DiscoveredBackends) {
		return fmt.Errorf("backendCount %d but %d discoveredBackends", v.Status.BackendCount, len(v.Status.DiscoveredBackends))
	}
	return nil
}

func (e *env) connect(ctx context.Context, changed chan<- struct{}) *mcp.ClientSession {
	c := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1"}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			select {
			case changed <- struct{}{}:
			default:
			}
		},
	})
	s, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: e.vmcpURL}, nil)
	if err != nil {
		e.t.Fatalf("connect to vmcp: %v", err)
	}
	e.t.Cleanup(func() { _ = s.Close() })
	return s
}

func listTools(ctx context.Context, t *testing.T, s *mcp.ClientSession) []string {
	t.Helper()
	res, err := s.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var out []string
	for _, tool := range res.Tools {
		out = append(out, tool.Name)
	}
	return out
}

func callText(ctx context.Context, t *testing.T, s *mcp.ClientSession, tool string, args map[string]any, want string) {
	t.Helper()
	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("call %s: %v", tool, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if res.IsError || !strings.Contains(text.String(), want) {
		t.Fatalf("call %s: isError %v, text %q does not contain %q", tool, res.IsError, text.String(), want)
	}
}

func waitHTTP(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within 20s", url)
}
