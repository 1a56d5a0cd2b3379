//go:build cluster

package cluster

import (
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"strings"
	"testing"
	"time"
)

// TestStreamableHTTPMCPServer: server-everything as a Streamable HTTP MCPServer; a client
// reaches it through its proxy.
func TestStreamableHTTPMCPServer(t *testing.T) {
	ns := namespace(t, "http")
	apply(t, ns, httpServer("streamable", "streamable-http", "streamableHttp"))
	s := waitMCPServerReady(t, ns, "streamable", 2*time.Minute)
	sess := connect(t, s.Status.URL+"/mcp", nil)
	if got := callText(t, sess, "get-sum", map[string]any{"a": 2, "b": 3}); !strings.Contains(got, "5") {
		t.Errorf("get-sum answered %q", got)
	}
}

// TestSSEMCPServer: server-everything as an SSE MCPServer; a client reaches it through its
// proxy's legacy SSE endpoint and calls a tool (the answer comes back on the event stream).
func TestSSEMCPServer(t *testing.T) {
	ns := namespace(t, "sse")
	apply(t, ns, httpServer("sse", "sse", "sse"))
	s := waitMCPServerReady(t, ns, "sse", 2*time.Minute)
	sess := connectTransport(t, &mcp.SSEClientTransport{Endpoint: s.Status.URL + "/sse"})
	if got := callText(t, sess, "get-sum", map[string]any{"a": 2, "b": 3}); !strings.Contains(got, "5") {
		t.Errorf("get-sum answered %q", got)
	}
}

func httpServer(name, transport, arg string) string {
	return fmt.Sprintf(`apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: %s}
spec:
  image: %s
  transport: %s
  args: [%s]
  proxyPort: 8080
  mcpPort: 3001
  env: [{name: PORT, value: "3001"}]
`, name, everythingImage, transport, arg)
}

// TestMCPRemoteProxy: an MCPRemoteProxy in front of an in-cluster MCP server answers.
func TestMCPRemoteProxy(t *testing.T) {
	ns := namespace(t, "remote")
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: upstream}
spec:
  image: `+everythingImage+`
  transport: streamable-http
  args: [streamableHttp]
  mcpPort: 3001
  env: [{name: PORT, value: "3001"}]
`)
	waitMCPServerReady(t, ns, "upstream", 2*time.Minute)
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPRemoteProxy
metadata: {name: front}
spec:
  remoteUrl: http://mcp-upstream-proxy.`+ns+`.svc.cluster.local:8080/mcp
  allowPrivateEndpoint: true
  transport: streamable-http
  proxyPort: 8080
`)
	eventually(t, 2*time.Minute, "MCPRemoteProxy Ready", func() error {
		out, err := kubectl("get", "mcpremoteproxy", "front", "-n", ns, "-o", "jsonpath={.status.phase} {.status.message}")
		if err == nil && !strings.HasPrefix(out, "Ready") {
			err = fmt.Errorf("%s", out)
		}
		return err
	})
	sess := connect(t, "http://mcp-front-remote-proxy."+ns+".svc.cluster.local:8080/mcp", nil)
	if got := callText(t, sess, "echo", map[string]any{"message": "through the remote proxy"}); !strings.Contains(got, "through the remote proxy") {
		t.Errorf("echo answered %q", got)
	}
}

// TestSecretsAndResources: spec.secrets reach the MCP container's environment (read back
// by the server's own get-env tool) and spec.resources are applied to its pod.
func TestSecretsAndResources(t *testing.T) {
	ns := namespace(t, "secrets")
	mustKubectl(t, "create", "secret", "generic", "api-token", "-n", ns, "--from-literal=token=s3cr3t-value")
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: withsecret}
spec:
  image: `+everythingImage+`
  transport: stdio
  args: [stdio]
  secrets:
  - {name: api-token, key: token, targetEnvName: API_TOKEN}
  resources:
    requests: {cpu: 20m, memory: 48Mi}
    limits: {cpu: 300m, memory: 200Mi}
`)
	s := waitMCPServerReady(t, ns, "withsecret", 2*time.Minute)
	got := mustKubectl(t, "get", "pod", "withsecret-0", "-n", ns, "-o",
		`jsonpath={.spec.containers[?(@.name=="mcp")].resources}`)
	for _, want := range []string{`"cpu":"20m"`, `"memory":"48Mi"`, `"cpu":"300m"`, `"memory":"200Mi"`} {
		if !strings.Contains(got, want) {
			t.Errorf("resources of the mcp container %s lack %s", got, want)
		}
	}
	sess := connect(t, s.Status.URL+"/mcp", nil)
	if env := callText(t, sess, "get-env", map[string]any{}); !strings.Contains(env, "s3cr3t-value") {
		t.Errorf("API_TOKEN from the secret is not in the server's environment: %.300s", env)
	}
}
