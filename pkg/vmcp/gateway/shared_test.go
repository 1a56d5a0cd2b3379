package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/internal/testutil/redisserver"
	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// replica is one vmcp process of a scaled-out VirtualMCPServer.
type replica struct {
	base string // http://127.0.0.1:port
	g    *Gateway
	stop func()
}

// startReplica runs a gateway for cfg (a fresh copy per replica, as each pod
// reads its own ConfigMap); authn nil means anonymous clients.
func startReplica(t *testing.T, cfg func() *config.Config, authn auth.Authenticator) *replica {
	t.Helper()
	c := cfg()
	c.Normalize()
	g, err := New(Options{Config: c})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.Start(ctx)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewHTTPServer(g.Handler(HTTPOptions{Guard: httpserver.Guard{LoopbackOnly: true}, Authenticator: authn}))
	done := make(chan struct{})
	go func() { _ = httpserver.Serve(ctx, srv, l, time.Second); close(done) }()
	var once sync.Once
	r := &replica{base: "http://" + l.Addr().String(), g: g}
	r.stop = func() { once.Do(func() { g.Close(); cancel(); <-done }) }
	t.Cleanup(r.stop)
	return r
}

// service stands in for the Kubernetes Service in front of the replicas: it
// sends each request to the next replica in turn (sessionAffinity None).
type service struct {
	mu   sync.Mutex
	up   []*replica
	next int
	hits map[*replica]int
}

func newService(t *testing.T, rs ...*replica) (*service, string) {
	s := &service{up: rs, hits: map[*replica]int{}}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + "/mcp"
}

func (s *service) set(rs ...*replica) {
	s.mu.Lock()
	s.up = rs
	s.mu.Unlock()
}

func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rp := s.up[s.next%len(s.up)]
	s.next++
	s.hits[rp]++
	s.mu.Unlock()
	target, _ := url.Parse(rp.base)
	(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) }, FlushInterval: -1}).ServeHTTP(w, r)
}

func sharedConfig(redis *redisserver.Server, prefix string, backends ...config.StaticBackend) func() *config.Config {
	return func() *config.Config {
		return &config.Config{Name: "shared", Backends: backends,
			SessionStorage: &config.SessionStorage{Provider: config.SessionStorageRedis, Address: redis.Addr, KeyPrefix: prefix}}
	}
}

// TestSessionsSharedAcrossReplicas: with Redis session storage, one client
// session is served by two replicas behind a round-robin Service, continues on
// the survivor when a replica is killed, survives a restart of every replica,
// and is gone everywhere once the client deletes it. The backend is the real
// server-everything; Redis is a real redis-server with a password.
func TestSessionsSharedAcrossReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server and a Node MCP server")
	}
	redis := redisserver.Start(t, "pw-for-test")
	t.Setenv(config.SessionRedisPasswordEnv, "pw-for-test")
	ev := mcpnpm.StartEverything(t, "streamableHttp")
	cfg := sharedConfig(redis, "t1:", config.StaticBackend{Name: "ev", URL: ev.URL})
	a, b := startReplica(t, cfg, nil), startReplica(t, cfg, nil)
	svc, svcURL := newService(t, a, b)
	cs := connect(t, svcURL, "2025-11-25", nil)
	sid := cs.ID()
	echo := func(round string, n int) {
		t.Helper()
		for i := range n {
			msg := fmt.Sprintf("%s-%d", round, i)
			if text, res := callText(t, cs, "ev_echo", map[string]any{"message": msg}); text != "Echo: "+msg || res.IsError {
				t.Fatalf("%s: ev_echo answered %q", round, text)
			}
		}
	}
	echo("both", 6)
	calls := func(r *replica) float64 {
		return counterValue(t, r.g.metrics.requests.WithLabelValues("ev", "tools/call"))
	}
	if calls(a) == 0 || calls(b) == 0 {
		t.Errorf("tools/call served by A %v and B %v times: want both", calls(a), calls(b))
	}
	if n := counterValue(t, a.g.metrics.takenOver) + counterValue(t, b.g.metrics.takenOver); n != 1 {
		t.Errorf("sessions taken over: %v, want 1 (the replica that did not answer initialize)", n)
	}

	a.stop() // killed: the Service sends everything to B
	svc.set(b)
	echo("after-kill", 3)

	b.stop() // every replica restarted
	c := startReplica(t, cfg, nil)
	svc.set(c)
	echo("after-restart", 3)
	if n := counterValue(t, c.g.metrics.takenOver); n != 1 {
		t.Errorf("the restarted replica took over %v sessions, want 1", n)
	}

	d := startReplica(t, cfg, nil)
	svc.set(c, d)
	if err := cs.Close(); err != nil { // DELETE, through the Service
		t.Fatal(err)
	}
	for _, r := range []*replica{c, d} {
		eventually(t, 5*time.Second, "the deleted session to be unknown on every replica", func() bool {
			return rawStatus(t, r.base+"/mcp", sid) == http.StatusNotFound
		})
	}
	if rec, err := c.g.shared.store.Load(context.Background(), sid); rec != nil || err != nil {
		t.Errorf("the deleted session is still stored (%v)", err)
	}
}

// rawStatus POSTs a ping on session sid and returns the HTTP status.
func rawStatus(t *testing.T, u, sid string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", sid)
	req.Header.Set(protocolHeader, "2025-11-25")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestSharedSessionBoundToIdentity: a session alice opened on replica A is
// unknown (404) on replica B to a request carrying bob's token, and works there
// for alice.
func TestSharedSessionBoundToIdentity(t *testing.T) {
	redis := redisserver.Start(t, "")
	is := oidctest.Start(t)
	authn, err := oidc.New(oidc.Config{Issuer: is.URL, Audience: "vmcp"})
	if err != nil {
		t.Fatal(err)
	}
	be := newCountingBackend(t)
	base := sharedConfig(redis, "t2:", config.StaticBackend{Name: "c", URL: be.URL})
	cfg := func() *config.Config {
		c := base()
		c.IncomingAuth = &config.IncomingAuth{Type: config.IncomingAuthOIDC, OIDC: &config.OIDC{Issuer: is.URL, Audience: "vmcp"}}
		return c
	}
	a, b := startReplica(t, cfg, authn), startReplica(t, cfg, authn)
	alice := is.Sign(t, oidctest.Token{Subject: "alice", Audience: "vmcp"})
	bob := is.Sign(t, oidctest.Token{Subject: "bob", Audience: "vmcp"})
	cl := mcp.NewClient(&mcp.Implementation{Name: "alice", Version: "1"}, nil)
	cs, err := cl.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: a.base + "/mcp", HTTPClient: oidctest.Client(alice)},
		&mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	post := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, b.base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"c_count","arguments":{}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Session-Id", cs.ID())
		req.Header.Set(protocolHeader, "2025-11-25")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && !strings.Contains(string(body), `"result"`) {
			t.Errorf("HTTP 200 without a result: %s", body)
		}
		return resp.StatusCode
	}
	if code := post(bob); code != http.StatusNotFound {
		t.Errorf("bob using alice's session on replica B: HTTP %d, want 404", code)
	}
	if code := post(alice); code != http.StatusOK {
		t.Errorf("alice using her session on replica B: HTTP %d, want 200", code)
	}
	if n := be.calls.Load(); n != 1 {
		t.Errorf("backend saw %d calls, want alice's 1", n)
	}
}

// TestReadyzReportsSessionStorage: with Redis session storage, /readyz says
// whether Redis answers, and a replica that cannot reach it is not ready.
func TestReadyzReportsSessionStorage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	redis := redisserver.Start(t, "")
	be := newCountingBackend(t)
	backends := []config.StaticBackend{{Name: "c", URL: be.URL}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close() // nothing listens there
	for name, tc := range map[string]struct {
		addr      string
		code      int
		reachable bool
	}{
		"reachable":   {addr: redis.Addr, code: http.StatusOK, reachable: true},
		"unreachable": {addr: closed, code: http.StatusServiceUnavailable},
	} {
		t.Run(name, func(t *testing.T) {
			r := startReplica(t, func() *config.Config {
				return &config.Config{Name: "shared", Backends: backends,
					SessionStorage: &config.SessionStorage{Provider: config.SessionStorageRedis, Address: tc.addr}}
			}, nil)
			resp, err := http.Get(r.base + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Ready          bool
				Message        string
				SessionStorage struct {
					Provider  string
					Reachable bool
					Message   string
				}
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.code || body.Ready != (tc.code == http.StatusOK) || body.SessionStorage.Provider != "redis" ||
				body.SessionStorage.Reachable != tc.reachable {
				t.Fatalf("/readyz HTTP %d %+v", resp.StatusCode, body)
			}
			if !tc.reachable && (!strings.Contains(body.Message, "session storage (redis) unreachable") || !strings.Contains(body.Message, closed)) {
				t.Errorf("message %q does not say that Redis at %s is unreachable", body.Message, closed)
			}
		})
	}
}
