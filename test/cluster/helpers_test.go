//go:build cluster || olm

package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/config"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// The images `make images` builds and the node imports at start.
const (
	imageTag        = "dev"
	everythingImage = "localhost/mcp-servers/server-everything:2026.8.31"
	memoryImage     = "localhost/mcp-servers/server-memory:2026.8.31"
	filesystemImage = "localhost/mcp-servers/server-filesystem:2026.8.31"
)

var (
	// root is the repository root (the tests run from it).
	root string
	// k is a client with the cluster admin's credentials.
	k client.Client
	// managerLogs are the kubectl logs arguments that show the manager of this suite.
	managerLogs []string
)

func connectCluster() error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	for root = wd; ; root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		if root == "/" {
			return fmt.Errorf("no go.mod above %s", wd)
		}
	}
	if os.Getenv("KUBECONFIG") == "" {
		return fmt.Errorf("KUBECONFIG is not set; run the tests with bin/devcluster exec")
	}
	if out, err := kubectl("get", "--raw", "/readyz"); err != nil {
		return fmt.Errorf("apiserver not ready: %v: %s", err, out)
	}
	cfg, err := config.GetConfig()
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	if k, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}
func run(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

func kubectl(args ...string) (string, error) { return run(tool("KUBECTL", "kubectl"), args...) }

func helm(args ...string) (string, error) { return run(tool("HELM", "helm"), args...) }

// tool finds a binary: $ENV, then bin/ of the repository, then PATH.
func tool(env, name string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p := filepath.Join(root, "bin", name); fileExists(p) {
		return p
	}
	return name
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// mustKubectl runs kubectl and fails the test on error.
func mustKubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := kubectl(args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// apply applies a manifest with kubectl, as a user would.
func apply(t *testing.T, ns, manifest string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(f, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	mustKubectl(t, "apply", "-n", ns, "-f", f)
}

// namespace creates a fresh namespace for one scenario and dumps what is in it when the
// scenario fails.
func namespace(t *testing.T, name string) string {
	t.Helper()
	_, _ = kubectl("delete", "namespace", name, "--wait=true", "--timeout=60s")
	mustKubectl(t, "create", "namespace", name)
	t.Cleanup(func() {
		if t.Failed() {
			dump(t, name)
		}
		_, _ = kubectl("delete", "namespace", name, "--wait=false")
	})
	return name
}

func dump(t *testing.T, ns string) {
	out, _ := kubectl("get", "all,mcpserver,virtualmcpserver,mcpremoteproxy,mcpgroup", "-n", ns, "-o", "wide")
	t.Logf("objects in %s:\n%s", ns, out)
	out, _ = kubectl("get", "events", "-n", ns, "--sort-by=.lastTimestamp")
	t.Logf("events in %s:\n%s", ns, out)
	out, _ = kubectl(append([]string{"logs", "--tail=60"}, managerLogs...)...)
	t.Logf("manager log tail:\n%s", out)
}

// eventually polls fn until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for {
		if err = fn(); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v", what, timeout, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func getMCPServer(ns, name string) (*v1alpha1.MCPServer, error) {
	s := &v1alpha1.MCPServer{}
	return s, k.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, s)
}

// waitMCPServerReady waits for phase Ready and returns the server.
func waitMCPServerReady(t *testing.T, ns, name string, timeout time.Duration) *v1alpha1.MCPServer {
	t.Helper()
	var s *v1alpha1.MCPServer
	eventually(t, timeout, "MCPServer "+name+" Ready", func() error {
		var err error
		if s, err = getMCPServer(ns, name); err != nil {
			return err
		}
		if s.Status.Phase != v1alpha1.PhaseReady {
			return fmt.Errorf("phase %q: %s", s.Status.Phase, s.Status.Message)
		}
		return nil
	})
	return s
}

// connectTransport opens an MCP session over the given transport, retrying while the
// Service has no ready endpoint yet. The legacy SSE transport ties its event stream to
// the context given to Connect, so that context lives as long as the session; only the
// connect step has a deadline.
func connectTransport(t *testing.T, tr mcp.Transport) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "test-cluster", Version: "1"}, nil)
	var s *mcp.ClientSession
	eventually(t, 60*time.Second, "MCP session", func() error {
		ctx, cancel := context.WithCancel(context.Background())
		deadline := time.AfterFunc(10*time.Second, cancel)
		var err error
		s, err = c.Connect(ctx, tr, nil)
		if !deadline.Stop() && err == nil {
			_ = s.Close()
			err = fmt.Errorf("connect took longer than 10s")
		}
		if err != nil {
			cancel()
			return err
		}
		t.Cleanup(cancel)
		return nil
	})
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// connect opens an MCP session, retrying while the Service has no ready endpoint yet.
func connect(t *testing.T, url string, changed chan<- struct{}) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "test-cluster", Version: "1"}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			if changed != nil {
				select {
				case changed <- struct{}{}:
				default:
				}
			}
		},
	})
	var s *mcp.ClientSession
	eventually(t, 60*time.Second, "MCP session to "+url, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var err error
		s, err = c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, nil)
		return err
	})
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func toolNames(t *testing.T, s *mcp.ClientSession) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
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

// callText calls a tool and returns its text, failing on a transport or tool error.
func callText(t *testing.T, s *mcp.ClientSession, tool string, args map[string]any) string {
	t.Helper()
	text, err := tryCall(s, tool, args)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func tryCall(s *mcp.ClientSession, tool string, args map[string]any) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		return "", fmt.Errorf("call %s: %w", tool, err)
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	if res.IsError {
		return b.String(), fmt.Errorf("call %s: tool error: %s", tool, b.String())
	}
	return b.String(), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// podsOf lists the pods of an instance.
func podsOf(ns, instance string) ([]corev1.Pod, error) {
	var pods corev1.PodList
	err := k.List(context.Background(), &pods, client.InNamespace(ns), client.MatchingLabels{"app.kubernetes.io/instance": instance})
	return pods.Items, err
}

func execCommand(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }
