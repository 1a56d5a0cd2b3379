//go:build cluster

package cluster

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// TestVMCPStoppedHealthStale (issue 10 item 13): with the vmcp Deployment scaled to 0,
// status.discoveredBackends still lists the group's backends (the operator writes them),
// their health turns unknown and BackendHealthReported False (BackendsHealthStale) once
// vmcp's last report is older than 3 intervals (2s here); with vmcp back the health is
// copied again.
func TestVMCPStoppedHealthStale(t *testing.T) {
	ns := namespace(t, "stale")
	migrationSetup(t, ns)
	mustKubectl(t, "patch", "virtualmcpserver", "my-vmcp", "-n", ns, "--type=merge", "-p", `{"spec":{"replicas":0}}`)
	eventually(t, 2*time.Minute, "health stale with vmcp stopped", func() error {
		v, err := getVMCP(ns, "my-vmcp")
		if err != nil {
			return err
		}
		c := conditions.Get(v.Status.Conditions, v1alpha1.ConditionBackendHealthReported)
		if c == nil || c.Reason != v1alpha1.ReasonBackendsHealthStale {
			return fmt.Errorf("BackendHealthReported %+v", c)
		}
		if len(v.Status.DiscoveredBackends) != 3 {
			return fmt.Errorf("discoveredBackends %+v", v.Status.DiscoveredBackends)
		}
		for _, b := range v.Status.DiscoveredBackends {
			if b.Status != v1alpha1.BackendUnknown || b.URL == "" {
				return fmt.Errorf("backend %+v", b)
			}
		}
		return nil
	})
	mustKubectl(t, "patch", "virtualmcpserver", "my-vmcp", "-n", ns, "--type=merge", "-p", `{"spec":{"replicas":1}}`)
	waitBackends(t, ns, "my-vmcp", 3*time.Minute, v1alpha1.PhaseReady, map[string]v1alpha1.BackendHealth{
		"everything": v1alpha1.BackendReady, "memory": v1alpha1.BackendReady, "filesystem": v1alpha1.BackendReady})
}

// bearer adds a bearer token to every request.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// TestMCPServerServiceAccountTokens (issue 10, the proxy side of item 11): an MCPServer
// with oidcConfig type kubernetes, serviceAccount agent, accepts a token of that account
// (kubectl create token, audience toolhive) and refuses another account's: the proxy pod
// reads the API server's keys with the cluster CA and its own service account.
func TestMCPServerServiceAccountTokens(t *testing.T) {
	ns := namespace(t, "satokens")
	apply(t, ns, fmt.Sprintf(`apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: guarded}
spec:
  image: %s
  transport: stdio
  args: [stdio]
  oidcConfig: {type: kubernetes, kubernetes: {serviceAccount: agent, audience: toolhive}}
`, everythingImage))
	mustKubectl(t, "create", "serviceaccount", "agent", "-n", ns)
	mustKubectl(t, "create", "serviceaccount", "other", "-n", ns)
	token := func(sa string) string {
		return strings.TrimSpace(mustKubectl(t, "create", "token", sa, "-n", ns, "--audience", "toolhive"))
	}
	s := waitMCPServerReady(t, ns, "guarded", 3*time.Minute)
	url := s.Status.URL + "/mcp"
	sess := connectTransport(t, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token("agent")}}, MaxRetries: -1})
	if got := callText(t, sess, "echo", map[string]any{"message": "sa"}); !strings.Contains(got, "sa") {
		t.Fatalf("echo answered %q", got)
	}
	for name, tok := range map[string]string{"another account": token("other"), "no token": ""} {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, resp.StatusCode)
		}
	}
}
