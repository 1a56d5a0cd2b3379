package gateway

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/auth/tokenexchange/txtest"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// recordingHop forwards to upstream and records the Authorization header of
// every request.
type recordingHop struct {
	URL  string
	mu   sync.Mutex
	seen []string
}

func newRecordingHop(t *testing.T, upstream string) *recordingHop {
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	h := &recordingHop{}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	rp.FlushInterval = -1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, r.Header.Get("Authorization"))
		h.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL + target.Path
	return h
}

func (h *recordingHop) headers() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.seen)
}

// TestTokenExchangeThroughGateway runs the gateway with OIDC incoming auth in
// front of a real server-everything whose outgoing auth is RFC 8693 token
// exchange: the backend sees only tokens exchanged for each client's token.
func TestTokenExchangeThroughGateway(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real MCP server from npm")
	}
	is := oidctest.Start(t)
	const aud, backendAud = "vmcp", "everything-api"
	ts := txtest.Start(t, "vmcp-client", "tx-secret", backendAud)
	t.Setenv("VMCP_TEST_TX_SECRET", "tx-secret")
	alice := is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud})
	bob := is.Sign(t, oidctest.Token{Subject: "bob", Audience: aud})
	ts.Accept(alice)
	ts.Accept(bob)
	hop := newRecordingHop(t, mcpnpm.StartEverything(t, "streamableHttp").URL)

	cfg := &config.Config{Name: "tx",
		Backends:     []config.StaticBackend{{Name: "ev", URL: hop.URL, Transport: config.TransportStreamableHTTP}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthOIDC, OIDC: &config.OIDC{Issuer: is.URL, Audience: aud}},
		OutgoingAuth: &config.OutgoingAuth{Backends: map[string]config.BackendAuthStrategy{"ev": {
			Type: config.BackendAuthTokenExchange, TokenExchange: &config.TokenExchange{TokenURL: ts.URL,
				ClientID: "vmcp-client", ClientSecretEnv: "VMCP_TEST_TX_SECRET", Audience: backendAud, Scopes: []string{"mcp:tools", "mcp:read"}}}}},
	}
	authn, err := oidc.New(oidc.Config{Issuer: is.URL, Audience: aud})
	if err != nil {
		t.Fatal(err)
	}
	base, g := startAuthGateway(t, cfg, authn)

	if ok, msg := g.Ready(); !ok {
		t.Fatalf("gateway not ready before any client (token_exchange backend must not count as down): %s", msg)
	}
	if hs := hop.headers(); len(hs) != 0 {
		t.Fatalf("backend contacted before any client, with %q: nobody's token could be exchanged", hs)
	}

	// A client without a token is refused and reaches nothing.
	anon := mcp.NewClient(&mcp.Implementation{Name: "anon", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := anon.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: base}, nil); err == nil {
		t.Fatal("client without a token was served")
	}
	if hs := hop.headers(); len(hs) != 0 {
		t.Fatalf("unauthenticated client reached the backend: %q", hs)
	}

	for _, who := range []struct{ name, token string }{{"alice", alice}, {"bob", bob}} {
		t.Run(who.name, func(t *testing.T) {
			before := len(hop.headers())
			cs := connectWithToken(t, base, who.token)
			names := toolNames(t, cs)
			echo := ""
			for _, n := range names {
				if strings.HasSuffix(n, "echo") {
					echo = n
				}
			}
			if echo == "" {
				t.Fatalf("no echo tool among %v", names)
			}
			text, res := callText(t, cs, echo, map[string]any{"message": "hi " + who.name})
			if res.IsError || !strings.Contains(text, "hi "+who.name) {
				t.Fatalf("echo through the exchanged token failed: %q", text)
			}
			want := "Bearer " + txtest.Exchanged(who.token, backendAud, "mcp:tools mcp:read")
			got := hop.headers()[before:]
			if len(got) == 0 {
				t.Fatal("the backend saw no request")
			}
			for _, h := range got {
				if h != want {
					t.Errorf("backend saw Authorization %q, want the exchanged %q", h, want)
				}
			}
		})
	}
	for _, h := range hop.headers() {
		if strings.Contains(h, alice) || strings.Contains(h, bob) {
			t.Fatal("a client's own token reached the backend")
		}
	}
	if n := ts.Exchanges.Load(); n != 2 {
		t.Errorf("%d token exchanges for two clients, want 2 (cached per client)", n)
	}
}

// TestTokenExchangeUnknownSubject: a client whose token the authorization server
// will not exchange gets a clear error and the backend is not called.
func TestTokenExchangeUnknownSubject(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real MCP server from npm")
	}
	is := oidctest.Start(t)
	ts := txtest.Start(t, "c", "s", "")
	t.Setenv("VMCP_TEST_TX_SECRET", "s")
	hop := newRecordingHop(t, mcpnpm.StartEverything(t, "streamableHttp").URL)
	cfg := &config.Config{Name: "tx",
		Backends:     []config.StaticBackend{{Name: "ev", URL: hop.URL}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthOIDC, OIDC: &config.OIDC{Issuer: is.URL}},
		OutgoingAuth: &config.OutgoingAuth{Default: &config.BackendAuthStrategy{Type: config.BackendAuthTokenExchange,
			TokenExchange: &config.TokenExchange{TokenURL: ts.URL, ClientID: "c", ClientSecretEnv: "VMCP_TEST_TX_SECRET"}}},
	}
	authn, err := oidc.New(oidc.Config{Issuer: is.URL})
	if err != nil {
		t.Fatal(err)
	}
	base, g := startAuthGateway(t, cfg, authn)
	cs := connectWithToken(t, base, is.Sign(t, oidctest.Token{Subject: "mallory"}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// partialFailureMode fail (the default): lists are refused while ev is down.
	if _, err := cs.ListTools(ctx, nil); err == nil || !strings.Contains(err.Error(), "backends unavailable: ev") {
		t.Errorf("tools/list: want backends unavailable: ev, got %v", err)
	}
	snaps := g.Snapshots()
	if len(snaps) != 1 || !strings.Contains(snaps[0].Message, "invalid_grant") {
		t.Errorf("backend state should say the exchange was refused: %+v", snaps)
	}
	if hs := hop.headers(); len(hs) != 0 {
		t.Errorf("backend called although no token could be exchanged: %q", hs)
	}
}

// startAuthGateway runs a gateway for cfg with authn on /mcp.
func startAuthGateway(t *testing.T, cfg *config.Config, authn *oidc.Authenticator) (string, *Gateway) {
	t.Helper()
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
	srv := &http.Server{Handler: g.Handler(HTTPOptions{Guard: httpserver.Guard{LoopbackOnly: true}, Authenticator: authn})}
	done := make(chan struct{})
	go func() {
		if err := httpserver.Serve(ctx, srv, l, 5*time.Second); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Log(err)
		}
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done; g.Close() })
	return "http://" + l.Addr().String() + "/mcp", g
}

func connectWithToken(t *testing.T, base, token string) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "client", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: base, HTTPClient: oidctest.Client(token)}, nil)
	if err != nil {
		t.Fatalf("connecting with a token: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}
