// Command demo runs the whole system on this machine, with no cluster and no
// containers: a local control plane (etcd + kube-apiserver from bin/k8s) with the
// CRDs, the operator (bin/manager), three real MCP servers from npm on 127.0.0.1
// registered as MCPServerEntries of an MCPGroup, a VirtualMCPServer, and vmcp
// (bin/vmcp) in Kubernetes mode running the operator's Deployment as a local
// process. It prints the MCP URL, `kubectl get` of the resources and an example
// client command, then runs until Ctrl-C, which stops everything it started.
//
//	make demo                 # builds bin/ first
//	go run ./hack/demo [--port 4483]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/controllers"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

const (
	namespace = "default"
	group     = "demo"
	vmcpName  = "demo-vmcp"
)

func main() {
	port := flag.Int("port", 4483, "port of the vMCP endpoint on 127.0.0.1")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *port); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// demo is everything the demo started, stopped in reverse order.
type demo struct {
	root, dir string
	cp        *localcp.ControlPlane
	c         client.Client
	stops     []func()
}

func (d *demo) stop() {
	for i := len(d.stops) - 1; i >= 0; i-- {
		d.stops[i]()
	}
}

func run(ctx context.Context, port int) error {
	ctrllog.SetLogger(logr.Discard())
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if err := checkPrerequisites(root, port); err != nil {
		return err
	}
	d := &demo{root: root, dir: filepath.Join(root, "bin", "demo")}
	defer d.stop()
	_ = os.RemoveAll(d.dir)
	if err := os.MkdirAll(filepath.Join(d.dir, "logs"), 0o755); err != nil {
		return err
	}
	step("Starting etcd and kube-apiserver (bin/k8s) and installing the CRDs")
	if d.cp, err = localcp.Start(localcp.Options{RepoRoot: root, Dir: d.dir}); err != nil {
		return err
	}
	d.stops = append(d.stops, func() { _ = d.cp.Stop() })
	if d.c, err = client.New(d.cp.Config, client.Options{Scheme: controllers.NewScheme()}); err != nil {
		return err
	}
	step("Starting the operator (bin/manager --allow-loopback-endpoints: loopback MCPServerEntry URLs are for local development only)")
	if err := d.start("manager", []string{"KUBECONFIG=" + d.cp.Kubeconfig}, filepath.Join(root, "bin", "manager"),
		"--allow-loopback-endpoints", "--metrics-bind-address=0", "--health-probe-bind-address=0"); err != nil {
		return err
	}
	urls, err := d.startBackends()
	if err != nil {
		return err
	}
	step("Creating MCPGroup %q, its MCPServerEntries and VirtualMCPServer %q", group, vmcpName)
	if err := d.createResources(ctx, urls); err != nil {
		return err
	}
	step("Running the vmcp Deployment as a local process in Kubernetes mode (no kubelet here)")
	vm := localcp.RunDeployment(ctx, localcp.DeploymentOptions{Client: d.c, Namespace: namespace, Name: vmcpName, Container: "vmcp",
		Binary: filepath.Join(root, "bin", "vmcp"), Port: port, ReadyPath: "/readyz", Kubeconfig: d.cp.Kubeconfig,
		Dir: filepath.Join(d.dir, "vmcp"), Out: d.logFile("vmcp")})
	d.stops = append(d.stops, vm.Stop)
	if err := d.waitReady(ctx); err != nil {
		return err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/mcp", port)
	tools, err := listTools(ctx, url)
	if err != nil {
		return err
	}
	d.report(url, tools)
	<-ctx.Done()
	fmt.Println("\nStopping everything the demo started ...")
	return nil
}

func step(format string, args ...any) { fmt.Printf("==> "+format+"\n", args...) }

// start runs a process whose output goes to bin/demo/logs/<name>.log.
func (d *demo) start(name string, env []string, bin string, args ...string) error {
	p, err := localcp.StartProcess(bin, d.logFile(name), env, args...)
	if err != nil {
		return err
	}
	d.stops = append(d.stops, func() { _ = p.Stop(5 * time.Second) })
	return nil
}

func (d *demo) logFile(name string) *os.File {
	f, err := os.OpenFile(filepath.Join(d.dir, "logs", name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return os.Stderr
	}
	return f
}

// startBackends starts server-everything (Streamable HTTP) and server-memory and
// server-filesystem (stdio, each fronted by bin/proxyrunner); it returns their URLs.
func (d *demo) startBackends() (map[string]string, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is not on PATH; install Node.js 18+")
	}
	npm := func(pkg string) string {
		return filepath.Join(d.root, "node_modules", "@modelcontextprotocol", pkg, "dist", "index.js")
	}
	urls := map[string]string{}
	p := freePort()
	step("Starting server-everything (Streamable HTTP) on 127.0.0.1:%d", p)
	if err := d.start("everything", []string{fmt.Sprintf("PORT=%d", p)}, node,
		"--require", filepath.Join(d.root, "internal", "testutil", "mcpnpm", "loopback.cjs"), npm("server-everything"), "streamableHttp"); err != nil {
		return nil, err
	}
	urls["everything"] = fmt.Sprintf("http://127.0.0.1:%d/mcp", p)
	files := filepath.Join(d.dir, "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		return nil, err
	}
	_ = os.WriteFile(filepath.Join(files, "hello.txt"), []byte("Hello from the mcp-operator demo\n"), 0o644)
	for name, args := range map[string][]string{"memory": {npm("server-memory")}, "files": {npm("server-filesystem"), files}} {
		p := freePort()
		step("Starting %s (stdio) behind bin/proxyrunner on 127.0.0.1:%d", args[0][len(d.root)+1:], p)
		pr := append([]string{"--transport=stdio", "--proxy-mode=streamable-http", fmt.Sprintf("--port=%d", p), "--", node}, args...)
		if err := d.start(name, []string{"MEMORY_FILE_PATH=" + filepath.Join(d.dir, "memory.jsonl")}, filepath.Join(d.root, "bin", "proxyrunner"), pr...); err != nil {
			return nil, err
		}
		urls[name] = fmt.Sprintf("http://127.0.0.1:%d/mcp", p)
	}
	for name, u := range urls {
		if err := waitListening(u, 20*time.Second); err != nil {
			return nil, fmt.Errorf("backend %s: %w (see %s)", name, err, filepath.Join(d.dir, "logs", name+".log"))
		}
	}
	return urls, nil
}

func (d *demo) createResources(ctx context.Context, urls map[string]string) error {
	objs := []client.Object{&v1alpha1.MCPGroup{ObjectMeta: meta(group), Spec: v1alpha1.MCPGroupSpec{Description: "MCP servers of the demo"}}}
	for _, name := range []string{"everything", "memory", "files"} {
		objs = append(objs, &v1alpha1.MCPServerEntry{ObjectMeta: meta(name), Spec: v1alpha1.MCPServerEntrySpec{
			RemoteURL: urls[name], Transport: v1alpha1.RemoteTransportStreamableHTTP, GroupRef: &v1alpha1.GroupRef{Name: group}}})
	}
	objs = append(objs, &v1alpha1.VirtualMCPServer{ObjectMeta: meta(vmcpName), Spec: v1alpha1.VirtualMCPServerSpec{
		GroupRef:     &v1alpha1.GroupRef{Name: group},
		IncomingAuth: &v1alpha1.IncomingAuth{Type: v1alpha1.IncomingAuthAnonymous},
		Config: &config.Config{Operational: &config.Operational{FailureHandling: &config.FailureHandling{
			PartialFailureMode: config.PartialFailureBestEffort, HealthCheckInterval: "5s", HealthCheckTimeout: "3s", StatusReportingInterval: "5s"}}},
	}})
	for _, o := range objs {
		if err := d.c.Create(ctx, o); err != nil {
			return fmt.Errorf("create %T %s: %w", o, o.GetName(), err)
		}
	}
	return nil
}

func meta(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: namespace} }

// waitReady waits until the VirtualMCPServer is Ready with every backend discovered.
func (d *demo) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(90 * time.Second)
	v := &v1alpha1.VirtualMCPServer{}
	for time.Now().Before(deadline) {
		if err := d.c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: vmcpName}, v); err == nil &&
			v.Status.Phase == v1alpha1.PhaseReady && v.Status.BackendCount == 3 && allReady(v.Status.DiscoveredBackends) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return fmt.Errorf("VirtualMCPServer %s is %s (%s) after 90s; logs are in %s", vmcpName, v.Status.Phase, v.Status.Message, filepath.Join(d.dir, "logs"))
}

func allReady(bs []v1alpha1.DiscoveredBackend) bool {
	for _, b := range bs {
		if b.Status != v1alpha1.BackendReady {
			return false
		}
	}
	return true
}

func listTools(ctx context.Context, url string) ([]string, error) {
	c := mcp.NewClient(&mcp.Implementation{Name: "demo", Version: "1"}, nil)
	s, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", url, err)
	}
	defer s.Close()
	res, err := s.ListTools(ctx, nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range res.Tools {
		out = append(out, t.Name)
	}
	slices.Sort(out)
	return out, nil
}

// report prints the URL, kubectl commands with their output, and a client example.
func (d *demo) report(url string, tools []string) {
	rel := func(p string) string {
		if r, err := filepath.Rel(d.root, p); err == nil {
			return r
		}
		return p
	}
	kubectl := rel(d.cp.Kubectl)
	fmt.Printf("\nThe Virtual MCP Server is ready.\n\n  MCP URL (Streamable HTTP): %s\n  %d tools aggregated from 3 backends, e.g. %s\n\n",
		url, len(tools), strings.Join(sample(tools), ", "))
	for _, args := range [][]string{
		{"get", "mcpgroup,mcpserverentry,virtualmcpserver", "-n", namespace},
		{"get", "virtualmcpserver", vmcpName, "-n", namespace, "-o", "jsonpath={.status.discoveredBackends}"},
	} {
		fmt.Printf("$ KUBECONFIG=%s %s %s\n", rel(d.cp.Kubeconfig), kubectl, shellJoin(args))
		out, err := exec.Command(d.cp.Kubectl, append([]string{"--kubeconfig", d.cp.Kubeconfig}, args...)...).CombinedOutput()
		fmt.Print(string(out))
		if err != nil {
			fmt.Println("(kubectl:", err, ")")
		}
		fmt.Println()
	}
	fmt.Printf(`
Try it with any MCP client, for example:
  curl -s %s -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'

Logs: %s/   Ctrl-C stops everything.
`, url, rel(filepath.Join(d.dir, "logs")))
}

func sample(tools []string) []string {
	var out []string
	for _, prefix := range []string{"everything_", "memory_", "files_"} {
		for _, t := range tools {
			if strings.HasPrefix(t, prefix) {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "{}.$ ") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the demo from inside the repository (go.mod not found)")
		}
		dir = parent
	}
}

// checkPrerequisites says what to run when something the demo needs is missing.
func checkPrerequisites(root string, port int) error {
	for _, b := range []string{"manager", "vmcp", "proxyrunner"} {
		if _, err := os.Stat(filepath.Join(root, "bin", b)); err != nil {
			return fmt.Errorf("bin/%s is missing: run `make demo` (or `make build`)", b)
		}
	}
	for _, pkg := range []string{"server-everything", "server-memory", "server-filesystem"} {
		if _, err := os.Stat(filepath.Join(root, "node_modules", "@modelcontextprotocol", pkg)); err != nil {
			return fmt.Errorf("node_modules/@modelcontextprotocol/%s is missing: run `make tools`", pkg)
		}
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("port %d is busy: stop what uses it or pass --port (go run ./hack/demo --port 14483)", port)
	}
	return l.Close()
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitListening(url string, timeout time.Duration) error {
	host := strings.TrimPrefix(url, "http://")
	host = host[:strings.Index(host, "/")]
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", host, 200*time.Millisecond); err == nil {
			_ = c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on %s after %s", host, timeout)
}
