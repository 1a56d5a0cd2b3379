//go:build cluster

package cluster

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// redisImage is the image devcluster builds from the host's redis-server (cmd/devcluster).
func redisImage(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("redis-server", "--version").Output()
	if err != nil {
		t.Fatalf("redis-server --version: %v", err)
	}
	m := regexp.MustCompile(`v=([0-9.]+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no version in %q", out)
	}
	return "localhost/redis:" + m[1]
}

// rawSession speaks Streamable HTTP by hand, so that one MCP session can be carried from
// one vmcp pod to another: the SDK's client is bound to one endpoint.
type rawSession struct {
	t      *testing.T
	id     string
	nextID int
}

// post sends one JSON-RPC message to url and returns the HTTP status and, for a request,
// its response (from a JSON body or from the SSE stream).
func (s *rawSession) post(url string, msg map[string]any) (int, map[string]any) {
	s.t.Helper()
	body, _ := json.Marshal(msg)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if s.id != "" {
		req.Header.Set("Mcp-Session-Id", s.id)
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	if sid := resp.Header.Get("Mcp-Session-Id"); sid != "" && s.id == "" {
		s.id = sid
	}
	if _, isRequest := msg["id"]; !isRequest || resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			s.t.Fatalf("decode the answer of %s: %v", msg["method"], err)
		}
		return resp.StatusCode, out
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data:")
		if !ok {
			continue
		}
		var out map[string]any
		if json.Unmarshal([]byte(strings.TrimSpace(data)), &out) == nil && fmt.Sprint(out["id"]) == fmt.Sprint(msg["id"]) {
			return resp.StatusCode, out
		}
	}
	s.t.Fatalf("no answer to %s in the event stream (%v)", msg["method"], sc.Err())
	return 0, nil
}

// call sends a request and fails unless it is answered with a result.
func (s *rawSession) call(url, method string, params map[string]any) map[string]any {
	s.t.Helper()
	s.nextID++
	status, out := s.post(url, map[string]any{"jsonrpc": "2.0", "id": s.nextID, "method": method, "params": params})
	if status != http.StatusOK || out["result"] == nil {
		s.t.Fatalf("%s on %s: HTTP %d, %v", method, url, status, out)
	}
	return out["result"].(map[string]any)
}

// initialize opens the session on url.
func (s *rawSession) initialize(url string) {
	s.t.Helper()
	s.call(url, "initialize", map[string]any{"protocolVersion": "2025-11-25", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "test-cluster", "version": "1"}})
	if s.id == "" {
		s.t.Fatal("initialize answered without an Mcp-Session-Id")
	}
	if status, _ := s.post(url, map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"}); status != http.StatusAccepted {
		s.t.Fatalf("notifications/initialized: HTTP %d", status)
	}
}

// echo calls the everything backend's echo tool through url and returns its text.
func (s *rawSession) echo(url, message string) string {
	s.t.Helper()
	res := s.call(url, "tools/call", map[string]any{"name": "everything_echo", "arguments": map[string]any{"message": message}})
	b, _ := json.Marshal(res["content"])
	return string(b)
}

// readyVMCPPods waits until the VirtualMCPServer runs n ready pods and returns them.
func readyVMCPPods(t *testing.T, ns, name string, n int) []corev1.Pod {
	t.Helper()
	var ready []corev1.Pod
	eventually(t, 3*time.Minute, fmt.Sprintf("%d ready pods of %s", n, name), func() error {
		pods, err := podsOf(ns, name)
		if err != nil {
			return err
		}
		ready = ready[:0]
		for _, p := range pods {
			if p.DeletionTimestamp != nil || p.Status.PodIP == "" {
				continue
			}
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
					ready = append(ready, p)
				}
			}
		}
		if len(ready) != n {
			return fmt.Errorf("%d ready", len(ready))
		}
		return nil
	})
	return ready
}

// TestVirtualMCPServerSharedSessions: issue 12's scale-out on real pods. Two vmcp replicas
// keep their sessions in a Redis that runs as a pod of the node (the Debian redis-server);
// a session opened on replica A answers on replica B, still answers after A's pod is
// deleted, and then on the pod that replaced A. A session id nobody issued gets 404 on
// both, so B is not simply accepting any id.
func TestVirtualMCPServerSharedSessions(t *testing.T) {
	ns := namespace(t, "sessions")
	apply(t, ns, fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: redis}
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
      - name: redis
        image: %s
        imagePullPolicy: Never
        ports: [{containerPort: 6379}]
        readinessProbe: {tcpSocket: {port: 6379}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  selector: {app: redis}
  ports: [{port: 6379}]
`, redisImage(t)))
	apply(t, ns, seedManifest(t, "000-02-mcpgroup-my-services.yaml"))
	apply(t, ns, backend("everything", everythingImage, "streamable-http", "streamableHttp"))
	apply(t, ns, `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: VirtualMCPServer
metadata: {name: shared}
spec:
  incomingAuth: {type: anonymous}
  replicas: 2
  sessionAffinity: None
  sessionStorage:
    provider: redis
    address: redis.`+ns+`.svc.cluster.local:6379
    keyPrefix: 'test:'
  config:
    groupRef: my-services
`+fastOperational)
	waitMCPServerReady(t, ns, "everything", 3*time.Minute)
	waitBackends(t, ns, "shared", 3*time.Minute, v1alpha1.PhaseReady, map[string]v1alpha1.BackendHealth{"everything": v1alpha1.BackendReady})
	pods := readyVMCPPods(t, ns, "shared", 2)
	urlOf := func(p corev1.Pod) string { return "http://" + p.Status.PodIP + ":4483/mcp" }
	a, b := pods[0], pods[1]

	s := &rawSession{t: t}
	s.initialize(urlOf(a))
	if got := s.echo(urlOf(a), "on A"); !strings.Contains(got, "on A") {
		t.Fatalf("echo on replica A answered %s", got)
	}
	if got := s.echo(urlOf(b), "on B"); !strings.Contains(got, "on B") {
		t.Fatalf("the session of replica A did not continue on replica B: %s", got)
	}

	stranger := &rawSession{t: t, id: "not-a-session-anyone-issued"}
	for _, p := range pods {
		if status, _ := stranger.post(urlOf(p), map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}); status != http.StatusNotFound {
			t.Errorf("an unknown session id on %s: HTTP %d, want 404", p.Name, status)
		}
	}

	mustKubectl(t, "delete", "pod", "-n", ns, a.Name, "--wait=true")
	if got := s.echo(urlOf(b), "after A is gone"); !strings.Contains(got, "after A is gone") {
		t.Fatalf("the session was lost with replica A: %s", got)
	}
	var c corev1.Pod
	for _, p := range readyVMCPPods(t, ns, "shared", 2) {
		if p.Name != b.Name {
			c = p
		}
	}
	if got := s.echo(urlOf(c), "on the replacement"); !strings.Contains(got, "on the replacement") {
		t.Fatalf("the session did not continue on the pod that replaced A (%s): %s", c.Name, got)
	}
	tools := s.call(urlOf(c), "tools/list", map[string]any{})["tools"].([]any)
	if len(tools) == 0 {
		t.Error("tools/list on the replacement pod is empty")
	}
}
