package toolreport_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runner"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/toolreport"
)

var resMCPServers = v1alpha1.GroupVersion.WithResource("mcpservers")

// The real proxy runner writes its MCP server's tool names into its MCPServer's
// status.tools on a real kube-apiserver, as a user holding only the rules the
// mcpserver chart grants the proxy, without any client connecting to the proxy,
// and leaves the operator's status fields alone. Upstreams: the npm server-memory
// bridged over stdio, and server-everything over Streamable HTTP and SSE.
func TestRunnerReportsToolsToMCPServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kube-apiserver")
	}
	const ns = "default"
	names := []string{"memory", "everything-http", "everything-sse"}
	admin, kubeconfig := startAPIServer(t, ns, names...)
	t.Setenv("KUBECONFIG", kubeconfig)
	t.Setenv("MEMORY_FILE_PATH", filepath.Join(t.TempDir(), "memory.jsonl"))
	mcps := admin.Resource(resMCPServers).Namespace(ns)

	t.Run("stdio server-memory", func(t *testing.T) {
		cmd, args := mcpnpm.StdioCommand(t, mcpnpm.Memory)
		got := reportOnce(t, mcps, &runconfig.Config{Name: "memory", Namespace: ns, Transport: runconfig.TransportStdio,
			Stdio: &runconfig.Stdio{Command: cmd, Args: args},
			// status.tools holds the names clients see through the tool view.
			ToolsOverride: map[string]runconfig.ToolOverride{"read_graph": {Name: "dump_graph"}}}, "")
		for _, want := range []string{"create_entities", "dump_graph", "search_nodes"} {
			if !slices.Contains(got, want) {
				t.Errorf("status.tools %v lacks %s", got, want)
			}
		}
		if slices.Contains(got, "read_graph") {
			t.Errorf("status.tools %v has read_graph, which the tool view renames", got)
		}
	})
	t.Run("streamable-http server-everything", func(t *testing.T) {
		srv := mcpnpm.StartEverything(t, "streamableHttp")
		reportOnce(t, mcps, &runconfig.Config{Name: "everything-http", Namespace: ns,
			Transport: runconfig.TransportStreamableHTTP, Target: srv.URL}, srv.URL)
	})
	t.Run("sse server-everything", func(t *testing.T) {
		srv := mcpnpm.StartEverything(t, "sse")
		reportOnce(t, mcps, &runconfig.Config{Name: "everything-sse", Namespace: ns,
			Transport: runconfig.TransportSSE, Target: srv.URL}, srv.URL)
	})
}

// reportOnce creates MCPServer cfg.Name with controller-written status, runs the
// runner until status.tools is written and checks it: sorted, equal to what a
// client lists through the proxy (and from direct, when set), the controller's
// fields intact, proxyrunner owning only status.tools, and a later merge patch
// by the controller keeping it.
func reportOnce(t *testing.T, mcps dynamic.ResourceInterface, cfg *runconfig.Config, direct string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	name := cfg.Name
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(), "kind": "MCPServer",
		"metadata": map[string]any{"name": name, "namespace": cfg.Namespace},
		"spec":     map[string]any{"image": "ghcr.io/example/" + name, "transport": cfg.Transport},
	}}
	created, err := mcps.Create(ctx, obj, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	controllerStatus := map[string]any{"phase": "Pending", "url": "http://mcp-" + name + "-proxy.default.svc.cluster.local:8080", "message": "waiting"}
	created.Object["status"] = controllerStatus
	if _, err := mcps.UpdateStatus(ctx, created, metav1.UpdateOptions{FieldManager: "manager"}); err != nil {
		t.Fatal(err)
	}

	cfg.Host, cfg.ReportTools = "127.0.0.1", true
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := runner.New(cfg, runner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(rctx, l) }()
	defer func() { stop(); <-done }()

	// No MCP client connects to the proxy before this: the runner lists on its own.
	got := waitForTools(t, ctx, mcps, name)
	if !slices.IsSorted(got) {
		t.Errorf("status.tools not sorted: %v", got)
	}
	sse := cfg.Transport == runconfig.TransportSSE
	proxyURL := "http://" + l.Addr().String() + map[bool]string{false: "/mcp", true: "/sse"}[sse]
	if d := cmp.Diff(clientTools(t, ctx, proxyURL, sse), got); d != "" {
		t.Errorf("status.tools differs from the proxy's tools/list (-proxy +status):\n%s", d)
	}
	if direct != "" {
		if d := cmp.Diff(clientTools(t, ctx, direct, sse), got); d != "" {
			t.Errorf("status.tools differs from the server's tools/list (-server +status):\n%s", d)
		}
	}

	cur, err := mcps.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range controllerStatus {
		if s, _, _ := unstructured.NestedString(cur.Object, "status", k); s != v {
			t.Errorf("status.%s = %q, want the controller's %q", k, s, v)
		}
	}
	if owned := ownedBy(t, cur, toolreport.FieldManager); owned != `{"f:status":{"f:tools":{}}}` {
		t.Errorf("proxyrunner owns %s, want only status.tools", owned)
	}

	// The controller's merge patch of its own fields keeps status.tools.
	patch := []byte(`{"status":{"phase":"Ready","message":""}}`)
	if _, err := mcps.Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: "manager"}, "status"); err != nil {
		t.Fatal(err)
	}
	cur, err = mcps.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	after, _, _ := unstructured.NestedStringSlice(cur.Object, "status", "tools")
	if d := cmp.Diff(got, after); d != "" {
		t.Errorf("status.tools changed by the controller's patch (-before +after):\n%s", d)
	}
	return got
}

// clientTools lists the tool names at endpoint as an ordinary MCP client, sorted.
func clientTools(t *testing.T, ctx context.Context, endpoint string, sse bool) []string {
	t.Helper()
	var tr mcp.Transport = &mcp.StreamableClientTransport{Endpoint: endpoint}
	if sse {
		tr = &mcp.SSEClientTransport{Endpoint: endpoint}
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, tr, nil)
	if err != nil {
		t.Fatalf("connect %s: %v", endpoint, err)
	}
	defer cs.Close()
	var names []string
	for tool, err := range cs.Tools(ctx, nil) {
		if err != nil {
			t.Fatalf("tools/list at %s: %v", endpoint, err)
		}
		names = append(names, tool.Name)
	}
	sort.Strings(names)
	return names
}

// startAPIServer starts etcd + kube-apiserver with the CRDs and returns an admin
// client and a kubeconfig for a user bound to the proxy's Role (as the mcpserver
// chart renders it with reportTools).
func startAPIServer(t *testing.T, ns string, names ...string) (dynamic.Interface, string) {
	t.Helper()
	root := mcpnpm.RepoRoot(t)
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets = localcp.AssetsDir(root)
	}
	if _, err := os.Stat(filepath.Join(assets, "kube-apiserver")); err != nil {
		t.Fatalf("kube-apiserver missing from %s: run `make tools`", assets)
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, ErrorIfCRDPathMissing: true,
		CRDDirectoryPaths: []string{filepath.Join(root, "config", "crd", "bases")}}
	restCfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting kube-apiserver: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	admin, err := dynamic.NewForConfig(restCfg)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "proxy", Namespace: ns}, Rules: []rbacv1.PolicyRule{{
		APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"mcpservers/status"},
		ResourceNames: names, Verbs: []string{"get", "patch"},
	}}}
	if _, err := cs.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "proxy", Namespace: ns},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "proxy"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "proxyrunner"}}}
	if _, err := cs.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	user, err := env.ControlPlane.AddUser(envtest.User{Name: "proxyrunner"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return admin, path
}

func waitForTools(t *testing.T, ctx context.Context, mcps dynamic.ResourceInterface, name string) []string {
	t.Helper()
	for {
		u, err := mcps.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tools, _, _ := unstructured.NestedStringSlice(u.Object, "status", "tools"); len(tools) > 0 {
			return tools
		}
		select {
		case <-ctx.Done():
			t.Fatal("status.tools was never written")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func ownedBy(t *testing.T, u *unstructured.Unstructured, manager string) string {
	t.Helper()
	var owned []string
	for _, mf := range u.GetManagedFields() {
		if mf.Manager == manager && mf.FieldsV1 != nil {
			var v any
			if err := json.Unmarshal(mf.FieldsV1.Raw, &v); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(v)
			owned = append(owned, string(b))
		}
	}
	return strings.Join(owned, ",")
}
