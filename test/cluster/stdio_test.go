//go:build cluster

package cluster

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestStdioMCPServer: a stdio MCPServer (server-everything) becomes the proxy Deployment
// and the StatefulSet pod <name>-0; the proxy attaches to it through pods/attach with only
// its own Role; tools/call through mcp-<name>-proxy answers; status.tools is filled; the
// phase is Ready with the in-cluster URL.
func TestStdioMCPServer(t *testing.T) {
	ns := namespace(t, "stdio")
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: everything}
spec:
  image: `+everythingImage+`
  transport: stdio
  args: [stdio]
  proxyPort: 8080
`)
	s := waitMCPServerReady(t, ns, "everything", 2*time.Minute)
	wantURL := "http://mcp-everything-proxy." + ns + ".svc.cluster.local:8080"
	if s.Status.URL != wantURL {
		t.Errorf("status.url %q, want %q", s.Status.URL, wantURL)
	}
	mustKubectl(t, "get", "-n", ns, "deployment/everything", "statefulset/everything", "pod/everything-0",
		"service/mcp-everything-proxy", "service/mcp-everything-headless")

	// The proxy's identity may attach to pods in its namespace and read nothing else.
	sa := strings.TrimSpace(mustKubectl(t, "get", "-n", ns, "deployment/everything", "-o", "jsonpath={.spec.template.spec.serviceAccountName}"))
	if sa == "" || sa == "default" {
		t.Fatalf("proxy runs as service account %q, want its own", sa)
	}
	as := "--as=system:serviceaccount:" + ns + ":" + sa
	canI := func(args ...string) string {
		out, _ := kubectl(append(append([]string{"auth", "can-i"}, args...), as)...)
		return strings.TrimSpace(out)
	}
	if got := canI("create", "pods/everything-0", "--subresource=attach", "-n", ns); got != "yes" {
		t.Errorf("proxy service account may not attach to everything-0: %s", got)
	}
	for _, denied := range [][]string{
		{"create", "pods/other-0", "--subresource=attach", "-n", ns},
		{"create", "pods/everything-0", "--subresource=attach", "-n", "default"},
		{"create", "pods/everything-0", "--subresource=exec", "-n", ns},
		{"list", "secrets", "-n", ns},
		{"delete", "pods", "-n", ns},
	} {
		if got := canI(denied...); got != "no" {
			t.Errorf("proxy service account may %v: %s", denied, got)
		}
	}

	sess := connect(t, wantURL+"/mcp", nil)
	if got := callText(t, sess, "echo", map[string]any{"message": "hello from a real pod"}); !strings.Contains(got, "hello from a real pod") {
		t.Fatalf("echo answered %q", got)
	}
	eventually(t, time.Minute, "status.tools filled", func() error {
		s, err := getMCPServer(ns, "everything")
		if err != nil {
			return err
		}
		if !contains(s.Status.Tools, "echo") {
			return fmt.Errorf("status.tools %v lacks echo", s.Status.Tools)
		}
		return nil
	})
}
