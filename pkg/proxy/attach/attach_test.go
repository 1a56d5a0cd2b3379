package attach

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"

	"github.com/mcp-operator/mcp-operator/pkg/proxy/bridge"
)

func restClient(t *testing.T) rest.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(&rest.Config{Host: "https://10.0.0.1:6443"})
	if err != nil {
		t.Fatal(err)
	}
	return cs.CoreV1().RESTClient()
}

func TestRequestTargetsPodContainerWithStdin(t *testing.T) {
	u := Request(restClient(t), "team-a", "fetch-0", "mcp").URL()
	if u.Host != "10.0.0.1:6443" || u.Path != "/api/v1/namespaces/team-a/pods/fetch-0/attach" {
		t.Fatalf("attach URL %s, want pods/fetch-0/attach in team-a", u)
	}
	q := u.Query()
	want := map[string]string{"container": "mcp", "stdin": "true", "stdout": "true"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("query %s=%q, want %q (URL %s)", k, q.Get(k), v, u)
		}
	}
	if q.Get("tty") == "true" {
		t.Errorf("tty=true in %s: a TTY would mangle JSON-RPC framing", u)
	}
}

// fakeExecutor plays a stdio MCP server over the attach streams: it answers every
// request with its own generation number, and ends when told to (a pod restart).
type fakeExecutor struct {
	gen  int
	urls chan *url.URL
	stop chan struct{}
}

func (f *fakeExecutor) Stream(remotecommand.StreamOptions) error { panic("use StreamWithContext") }

func (f *fakeExecutor) StreamWithContext(ctx context.Context, o remotecommand.StreamOptions) error {
	if o.Stdin == nil || o.Stdout == nil {
		return fmt.Errorf("stdin and stdout are required")
	}
	lines := make(chan []byte)
	go func() {
		sc := bufio.NewScanner(o.Stdin)
		for sc.Scan() {
			lines <- append([]byte(nil), sc.Bytes()...)
		}
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-f.stop:
			return io.EOF
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			var m map[string]any
			_ = json.Unmarshal(line, &m)
			if m["id"] == nil {
				continue
			}
			id, _ := json.Marshal(m["id"])
			fmt.Fprintf(o.Stdout, `{"jsonrpc":"2.0","id":%s,"result":{"gen":%d,"method":%q}}`+"\n", id, f.gen, m["method"])
		}
	}
}

func runningPod(ns, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
			{Name: "mcp", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
		}},
	}
}

// TestBridgeReattachesAfterStreamEnds drives the bridge over the attach dialer with a
// fake executor: the stream ends, sessions get an error, the bridge re-attaches.
func TestBridgeReattachesAfterStreamEnds(t *testing.T) {
	urls := make(chan *url.URL, 10)
	var mu sync.Mutex
	var current *fakeExecutor
	gen := 0
	d := &Dialer{
		Client: fake.NewSimpleClientset(runningPod("ns1", "srv-0")), REST: restClient(t),
		Namespace: "ns1", Pod: "srv-0", Container: "mcp",
		NewExecutor: func(_ *rest.Config, u *url.URL) (remotecommand.Executor, error) {
			mu.Lock()
			defer mu.Unlock()
			gen++
			current = &fakeExecutor{gen: gen, stop: make(chan struct{})}
			urls <- u
			return current, nil
		},
	}
	b := bridge.New(bridge.Options{Dialer: d, Backoff: bridge.Backoff{Initial: 50 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	u := <-urls
	if u.Path != "/api/v1/namespaces/ns1/pods/srv-0/attach" || u.Query().Get("container") != "mcp" || u.Query().Get("stdin") != "true" {
		t.Fatalf("executor built for %s", u)
	}
	got := make(chan bridge.Delivery, 10)
	s := b.NewSession(func(d bridge.Delivery) { got <- d })
	waitUp(t, b)
	send := func(msg string) map[string]any {
		t.Helper()
		if err := s.Handle(context.Background(), []byte(msg)); err != nil {
			t.Fatal(err)
		}
		select {
		case d := <-got:
			var m map[string]any
			_ = json.Unmarshal(d.Msg, &m)
			return m
		case <-time.After(5 * time.Second):
			t.Fatal("no answer within 5s")
			return nil
		}
	}
	if m := send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`); m["result"] == nil {
		t.Fatalf("initialize: %v", m)
	}
	if m := send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`); m["result"].(map[string]any)["gen"] != float64(1) {
		t.Fatalf("tools/list: %v", m)
	}

	mu.Lock()
	close(current.stop) // the pod restarts: the attach stream ends
	mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	var m map[string]any
	for time.Now().Before(deadline) {
		m = send(`{"jsonrpc":"2.0","id":3,"method":"tools/list"}`)
		if m["error"] != nil {
			break
		}
	}
	if e, _ := m["error"].(map[string]any); e == nil || !strings.Contains(fmt.Sprint(e["message"]), "MCP server") {
		t.Fatalf("during re-attach got %v, want a clear MCP server unavailable/connection lost error", m)
	}
	<-urls // re-attached
	waitUp(t, b)
	if m := send(`{"jsonrpc":"2.0","id":4,"method":"tools/list"}`); m["result"] == nil || m["result"].(map[string]any)["gen"] != float64(2) {
		t.Fatalf("after re-attach: %v, want an answer from the second attach", m)
	}
}

func waitUp(t *testing.T, b *bridge.Bridge) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if up, _ := b.Status(); up {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, reason := b.Status()
	t.Fatalf("bridge not up within 5s: %s", reason)
}

func TestDialRefusesPodNotRunning(t *testing.T) {
	tests := map[string]struct {
		pod  *corev1.Pod
		want string
	}{
		"missing pod": {&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns1", Name: "other"}}, "not found"},
		"pending":     {&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns1", Name: "srv-0"}, Status: corev1.PodStatus{Phase: corev1.PodPending}}, "Pending, not Running"},
		"no mcp container": {&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns1", Name: "srv-0"},
			Status: corev1.PodStatus{Phase: corev1.PodRunning}}, `no container "mcp"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := &Dialer{Client: fake.NewSimpleClientset(tc.pod), REST: restClient(t), Namespace: "ns1", Pod: "srv-0", Container: "mcp",
				NewExecutor: func(*rest.Config, *url.URL) (remotecommand.Executor, error) {
					t.Fatal("attached to a pod that is not running")
					return nil, nil
				}}
			_, err := d.Dial(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Dial error %v, want %q", err, tc.want)
			}
		})
	}
}
