package mcptools_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/doctor"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/mcptools"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
)

// hostIP returns a non-loopback IPv4 address of this machine: the apiserver's
// service proxy refuses loopback endpoints.
func hostIP(t *testing.T) string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address: the apiserver's service proxy cannot reach a local server")
	return ""
}

// forward listens on ip and copies each connection to 127.0.0.1:port, so a server
// that binds to loopback is reachable at a proxyable address.
func forward(t *testing.T, ip string, port int) int {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				b, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
				if err != nil {
					return
				}
				defer b.Close()
				go io.Copy(b, c)
				io.Copy(c, b)
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

type env struct {
	cp *localcp.ControlPlane
	c  client.Client
	ns string
	ip string
}

func start(t *testing.T) *env {
	if testing.Short() {
		t.Skip("needs the local control plane")
	}
	ip := hostIP(t)
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	cp, err := localcp.Start(localcp.Options{RepoRoot: root, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	c, err := client.New(cp.Config, client.Options{Scheme: doctor.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	return &env{cp: cp, c: c, ns: "default", ip: ip}
}

// service creates Service svc (port http 8080) whose only endpoint is ip:port. The
// apiserver proxies only to addresses of a Pod (TargetRef with that pod IP), so a
// Pod object stands for the local process.
func (e *env) service(t *testing.T, svc string, port int) {
	ctx := context.Background()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: svc + "-pod"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "x"}}}}
	if err := e.c.Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	pod.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: e.ip, PodIPs: []corev1.PodIP{{IP: e.ip}}}
	if err := e.c.Status().Update(ctx, pod); err != nil {
		t.Fatal(err)
	}
	if err := e.c.Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: svc},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 8080, TargetPort: intstr.FromInt(port)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.c.Create(ctx, &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: svc}, //nolint:staticcheck // the apiserver's service proxy reads Endpoints
		Subsets: []corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{{IP: e.ip, TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: e.ns, Name: pod.Name}}}, Ports: []corev1.EndpointPort{{Name: "http", Port: int32(port)}}}}}); err != nil {
		t.Fatal(err)
	}
	p := int32(port)
	name := "http"
	ready := true
	if err := e.c.Create(ctx, &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: svc + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4, Ports: []discoveryv1.EndpointPort{{Name: &name, Port: &p}},
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{e.ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}}}); err != nil {
		t.Fatal(err)
	}
}

// list lists the tools of name through the service proxy until want is among them:
// on a loaded machine vmcp may still be marking its backend healthy (its health
// checks run on their interval), so an early answer without the backend is retried.
func (e *env) list(t *testing.T, name, want string) []mcptools.Tool {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	target, err := mcptools.Resolve(ctx, e.c, e.ns, name)
	if err != nil {
		t.Fatal(err)
	}
	hc, err := rest.HTTPClientFor(e.cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	for {
		tools, err := mcptools.List(ctx, hc, mcptools.ServiceProxyURL(e.cp.Config, e.ns, target), target.Attribution)
		if err == nil && find(tools, want) != nil {
			return tools
		}
		if ctx.Err() != nil {
			t.Fatalf("%s: no tool %s within 120s: last error %v, tools %+v", name, want, err, tools)
		}
		time.Sleep(time.Second)
	}
}

func find(tools []mcptools.Tool, name string) *mcptools.Tool {
	for i := range tools {
		if tools[i].Name == name {
			return &tools[i]
		}
	}
	return nil
}

// TestToolsThroughServiceProxy lists the tools of a real server-everything behind
// an MCPServer's Service, and of a real vmcp (static backends) behind a
// VirtualMCPServer's Service, both through the kube-apiserver's service proxy.
func TestToolsThroughServiceProxy(t *testing.T) {
	e := start(t)
	everything := mcpnpm.StartEverything(t, "streamableHttp")
	ctx := context.Background()
	s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: "everything"}, Spec: v1alpha1.MCPServerSpec{Image: "x", Transport: v1alpha1.TransportStreamableHTTP}}
	if err := e.c.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	e.service(t, "mcp-everything-proxy", forward(t, e.ip, everything.Port))
	tools := e.list(t, "everything", "echo")
	echo := find(tools, "echo")
	if echo == nil || echo.Backend != "everything" {
		t.Fatalf("MCPServer tools: no echo from backend everything: %+v", tools)
	}

	vmcpPort := startVMCP(t, everything.URL)
	v := &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: "vm"}, Spec: v1alpha1.VirtualMCPServerSpec{
		GroupRef: &v1alpha1.GroupRef{Name: "g"}, IncomingAuth: &v1alpha1.IncomingAuth{Type: v1alpha1.IncomingAuthAnonymous}}}
	if err := e.c.Create(ctx, v); err != nil {
		t.Fatal(err)
	}
	v.Status.DiscoveredBackends = []v1alpha1.DiscoveredBackend{{Name: "ev", Status: v1alpha1.BackendReady}}
	if err := e.c.Status().Update(ctx, v); err != nil {
		t.Fatal(err)
	}
	e.service(t, "vmcp-vm", forward(t, e.ip, vmcpPort))
	tools = e.list(t, "vm", "ev_echo")
	echo = find(tools, "ev_echo")
	if echo == nil || echo.Backend != "ev" {
		t.Fatalf("VirtualMCPServer tools: no ev_echo from backend ev: %+v", tools)
	}
	for _, tool := range tools {
		if !strings.HasPrefix(tool.Name, "ev_") || tool.Backend != "ev" {
			t.Errorf("tool %s attributed to %q", tool.Name, tool.Backend)
		}
	}
}

// startVMCP builds and starts vmcp with one static backend "ev" on 127.0.0.1.
func startVMCP(t *testing.T, backendURL string) int {
	dir := t.TempDir()
	bin := filepath.Join(dir, "vmcp")
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	build := exec.Command("go", "build", "-o", bin, "./cmd/vmcp")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building vmcp: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "vmcp.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("name: vm\nbackends:\n- name: ev\n  url: %s\n  transport: streamable-http\noperational:\n  failureHandling:\n    healthCheckInterval: 2s\n    healthCheckTimeout: 2s\n", backendURL)), 0o600); err != nil {
		t.Fatal(err)
	}
	port := mcpnpm.FreePort(t)
	var logs syncBuffer
	p, err := localcp.StartProcess(bin, &logs, nil, "serve", "--config", cfg, "--port", strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(5 * time.Second) })
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			return port
		}
		if time.Now().After(deadline) {
			t.Fatalf("vmcp did not listen on %d:\n%s", port, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// syncBuffer collects a process's output for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
