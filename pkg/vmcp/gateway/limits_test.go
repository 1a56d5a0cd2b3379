package gateway

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestSessionCap refuses an initialize beyond maxSessions with 503 and a clear
// message, and accepts one again when a session ends.
func TestSessionCap(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		Operational: &config.Operational{Sessions: &config.SessionLimits{MaxSessions: 2}}})
	a := connect(t, url, "2025-11-25", nil)
	connect(t, url, "2025-11-25", nil)
	c := mcp.NewClient(&mcp.Implementation{Name: "third", Version: "1"}, nil)
	so := &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"} // the stateless protocol has no sessions to cap
	_, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url}, so)
	if err == nil || !strings.Contains(err.Error(), "Service Unavailable") {
		t.Fatalf("third session: want 503, got %v", err)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "session limit (operational.sessions.maxSessions = 2)") {
		t.Fatalf("third session: HTTP %d %s", resp.StatusCode, body)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "a free session slot", func() bool {
		cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url}, so)
		if err == nil {
			_ = cs.Close()
		}
		return err == nil
	})
}

// TestBackendSessionsNotLeaked: the TypeScript backend's sessions opened for
// client sessions are closed when those end by DELETE or by idle expiry.
func TestBackendSessionsNotLeaked(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Node MCP server")
	}
	ts := mcpnpm.StartScript(t, "testdata/tsbackend/server.mjs")
	cfg := &config.Config{Name: "leak", Backends: []config.StaticBackend{{Name: "ts", URL: ts.URL}}}
	cfg.Normalize()
	g, err := New(Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.Start(ctx)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewHTTPServer(g.Handler(HTTPOptions{Guard: httpserver.Guard{LoopbackOnly: true}, SessionTimeout: time.Second}))
	done := make(chan struct{})
	go func() { _ = httpserver.Serve(ctx, srv, l, 5*time.Second); close(done) }()
	t.Cleanup(func() { cancel(); <-done; g.Close() })
	url := "http://" + l.Addr().String() + "/mcp"

	base, _ := tsStats(t, ts) // the gateway's shared discovery session
	const n = 6
	var sessions []*mcp.ClientSession
	for range n / 2 {
		cs := connect(t, url, "2025-11-25", nil)
		callWithin(t, cs, 10*time.Second, &mcp.CallToolParams{Name: "ts_log", Arguments: map[string]any{}})
		sessions = append(sessions, cs)
	}
	// Raw clients that never send DELETE: only idle expiry (1s) can end them.
	for range n - n/2 {
		_, h := rawPost(t, url, "", "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
		sid := h.Get("Mcp-Session-Id")
		rawPost(t, url, sid, "2025-11-25", `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
		rawPost(t, url, sid, "2025-11-25", `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ts_log","arguments":{}}}`)
	}
	if open, _ := tsStats(t, ts); open != base+n {
		t.Fatalf("%d backend sessions open, want %d", open, base+n)
	}
	for _, cs := range sessions { // DELETE
		_ = cs.Close()
	}
	eventually(t, 5*time.Second, "backend sessions of closed client sessions to close", func() bool {
		open, _ := tsStats(t, ts)
		return open == base+n-n/2
	})
	eventually(t, 10*time.Second, "backend sessions of expired client sessions to close", func() bool {
		open, _ := tsStats(t, ts)
		return open == base
	})
}

// TestSlowHeadersDropped: a client that never finishes its headers is cut off.
func TestSlowHeadersDropped(t *testing.T) {
	if readHeaderTimeout > 15*time.Second {
		t.Fatalf("readHeaderTimeout %s", readHeaderTimeout)
	}
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}})
	host := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/mcp")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /mcp HTTP/1.1\r\nHost: "+host+"\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(readHeaderTimeout + 5*time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn)
	if err != nil {
		t.Fatalf("the server did not close a connection with unfinished headers: %v", err)
	}
	if took := time.Since(start); took < readHeaderTimeout-time.Second {
		t.Errorf("closed after %s, before readHeaderTimeout %s", took, readHeaderTimeout)
	}
}

// TestSessionBoundToIdentity: a session opened by alice is unknown (404) to a
// request carrying bob's token, and keeps working for alice.
func TestSessionBoundToIdentity(t *testing.T) {
	is := oidctest.Start(t)
	authn, err := oidc.New(oidc.Config{Issuer: is.URL, Audience: "vmcp"})
	if err != nil {
		t.Fatal(err)
	}
	be := newCountingBackend(t)
	url, _ := startAuthGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthOIDC, OIDC: &config.OIDC{Issuer: is.URL, Audience: "vmcp"}}}, authn)
	alice := is.Sign(t, oidctest.Token{Subject: "alice", Audience: "vmcp"})
	bob := is.Sign(t, oidctest.Token{Subject: "bob", Audience: "vmcp"})
	c := mcp.NewClient(&mcp.Implementation{Name: "alice", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: oidctest.Client(alice)},
		&mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"}) // a session-based protocol
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	sid := cs.ID()
	post := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"c_count","arguments":{}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Session-Id", sid)
		req.Header.Set(protocolHeader, "2025-11-25")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && !strings.Contains(string(b), `"result"`) {
			t.Errorf("HTTP 200 without a result: %s", b)
		}
		return resp.StatusCode
	}
	if code := post(bob); code != http.StatusNotFound {
		t.Errorf("bob using alice's session: HTTP %d, want 404", code)
	}
	if code := post(alice); code != http.StatusOK {
		t.Errorf("alice using her session: HTTP %d, want 200", code)
	}
	if n := be.calls.Load(); n != 1 {
		t.Errorf("backend saw %d calls, want alice's 1", n)
	}
}
