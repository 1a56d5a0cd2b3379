package runner

import (
	"context"
	"encoding/json"
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
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

const audience = "mcp-proxy"

// connectAs opens a Go SDK session whose HTTP client sends token as a bearer.
func connectAs(t *testing.T, ctx context.Context, base, mode, token string) *mcp.ClientSession {
	t.Helper()
	hc := oidctest.Client(token)
	var tr mcp.Transport = &mcp.StreamableClientTransport{Endpoint: base + "/mcp", HTTPClient: hc, MaxRetries: -1}
	if mode == runconfig.TransportSSE {
		tr = &mcp.SSEClientTransport{Endpoint: base + "/sse", HTTPClient: hc}
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "authn-test", Version: "1"}, nil).Connect(ctx, tr, nil)
	if err != nil {
		t.Fatalf("connect over %s: %v", mode, err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// TestOIDCThroughProxy: a real stdio server behind the proxy with OIDC on; a
// valid token works, every bad one gets 401 with the RFC 9728 challenge; the
// metadata document is served; audit lines name the caller.
func TestOIDCThroughProxy(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	is := oidctest.Start(t)
	core, logs := observer.New(zapcore.InfoLevel)
	cfg := stdioConfig(t, mcpnpm.Memory, runconfig.TransportStreamableHTTP)
	cfg.OIDC = &runconfig.OIDC{Issuer: is.URL, Audience: audience}
	cfg.Audit = true
	base, _ := startRunner(t, cfg, Options{Logger: zap.New(core)})

	good := is.Sign(t, oidctest.Token{Subject: "alice", Audience: audience})
	cs := connectAs(t, ctx, base, runconfig.TransportStreamableHTTP, good)
	if got := call(t, ctx, cs, "read_graph", map[string]any{}); !strings.Contains(got, "entities") {
		t.Fatalf("read_graph = %q", got)
	}

	wantChallenge := `resource_metadata="` + base + oidc.MetadataPath + `"`
	bad := map[string]string{
		"missing":        "",
		"expired":        is.Sign(t, oidctest.Token{Subject: "alice", Audience: audience, TTL: -10 * time.Minute}),
		"wrong audience": is.Sign(t, oidctest.Token{Subject: "alice", Audience: "other"}),
		"wrong issuer":   is.Sign(t, oidctest.Token{Subject: "alice", Audience: audience, Issuer: "https://evil.example.com"}),
		"wrong key":      oidctest.Start(t).Sign(t, oidctest.Token{Subject: "alice", Audience: audience, Issuer: is.URL}),
	}
	for name, tok := range bad {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), wantChallenge) {
				t.Fatalf("status %d, WWW-Authenticate %q; want 401 with %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), wantChallenge)
			}
			tr := &mcp.StreamableClientTransport{Endpoint: base + "/mcp", HTTPClient: oidctest.Client(tok), MaxRetries: -1}
			if s, err := mcp.NewClient(&mcp.Implementation{Name: "x", Version: "1"}, nil).Connect(ctx, tr, nil); err == nil {
				s.Close()
				t.Fatal("the SDK client connected with a bad token")
			}
		})
	}

	resp, err := http.Get(base + oidc.MetadataPath)
	if err != nil {
		t.Fatal(err)
	}
	var md oidc.Metadata
	err = json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if err != nil || md.Resource != base+"/mcp" || !slices.Equal(md.AuthorizationServers, []string{is.URL}) || len(md.ScopesSupported) == 0 {
		t.Fatalf("metadata %+v, %v", md, err)
	}

	seen := map[string]bool{}
	for _, e := range logs.FilterLoggerName("audit").All() {
		f := e.ContextMap()
		if f["subject"] != "alice" || f["anonymous"] != false {
			t.Fatalf("audit line for someone else: %v", f)
		}
		seen[f["method"].(string)+" "+f["outcome"].(string)] = true
		if f["method"] == "tools/call" && (f["target"] != "read_graph" || f["duration"] == nil) {
			t.Fatalf("audit line %v", f)
		}
	}
	for _, want := range []string{"initialize success", "tools/call success"} {
		if !seen[want] {
			t.Fatalf("audit lines %v lack %q", seen, want)
		}
	}
}

// TestCedarAndToolConfigThroughProxy: Cedar on the caller's claims plus an
// MCPToolConfig (filter and rename) in front of real server-memory, in both
// proxy modes.
func TestCedarAndToolConfigThroughProxy(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			is := oidctest.Start(t)
			cfg := stdioConfig(t, mcpnpm.Memory, mode)
			cfg.OIDC = &runconfig.OIDC{Issuer: is.URL, Audience: audience, JWKSURL: is.JWKSURL}
			cfg.Authz = &runconfig.Authz{Policies: []string{
				`permit(principal, action == Action::"call_tool", resource)
				   when { [Tool::"read_graph", Tool::"find", Tool::"create_entities"].contains(resource) &&
				          principal has claim_groups && principal.claim_groups.contains("eng") };`,
				`@id("no-writes") forbid(principal, action == Action::"call_tool", resource == Tool::"create_entities");`,
			}}
			cfg.ToolsFilter = []string{"read_graph", "search_nodes", "create_entities"}
			cfg.ToolsOverride = map[string]runconfig.ToolOverride{"search_nodes": {Name: "find", Description: "Find nodes"}}
			base, _ := startRunner(t, cfg, Options{})

			alice := connectAs(t, ctx, base, mode, is.Sign(t, oidctest.Token{Subject: "alice", Audience: audience, Claims: map[string]any{"groups": []string{"eng"}}}))
			tools, err := alice.ListTools(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			names := toolNames(tools)
			slices.Sort(names)
			if !slices.Equal(names, []string{"find", "read_graph"}) {
				t.Fatalf("alice sees %v, want [find read_graph]", names)
			}
			for _, tl := range tools.Tools {
				if tl.Name == "find" && (tl.Description != "Find nodes" || tl.InputSchema == nil) {
					t.Fatalf("renamed tool %+v", tl)
				}
			}
			if got := call(t, ctx, alice, "find", map[string]any{"query": "nobody"}); !strings.Contains(got, "entities") {
				t.Fatalf("find (search_nodes) = %q", got)
			}
			refused := map[string]string{
				"create_entities": `not authorized to call_tool "create_entities": denied by policy "no-writes"`,
				"delete_entities": `unknown tool "delete_entities"`,
				"search_nodes":    `unknown tool "search_nodes"`,
			}
			for tool, want := range refused {
				_, err := alice.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: map[string]any{}})
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("call %s: %v; want an error with %q", tool, err, want)
				}
				if strings.Contains(err.Error(), "forbid(") {
					t.Fatalf("policy text leaked: %v", err)
				}
			}
			// The session survives refusals.
			call(t, ctx, alice, "read_graph", map[string]any{})

			bob := connectAs(t, ctx, base, mode, is.Sign(t, oidctest.Token{Subject: "bob", Audience: audience, Claims: map[string]any{"groups": []string{"sales"}}}))
			if tools, err := bob.ListTools(ctx, nil); err != nil || len(tools.Tools) != 0 {
				t.Fatalf("bob sees %v, %v; want no tools", toolNames(tools), err)
			}
			if _, err := bob.CallTool(ctx, &mcp.CallToolParams{Name: "read_graph", Arguments: map[string]any{}}); err == nil ||
				!strings.Contains(err.Error(), `no policy permits call_tool on Tool::\"read_graph\"`) && !strings.Contains(err.Error(), `no policy permits call_tool on Tool::"read_graph"`) {
				t.Fatalf("bob's call: %v", err)
			}
		})
	}
}

// tap is a real hop in front of the upstream that records the Authorization
// headers reaching it.
type tap struct {
	mu      sync.Mutex
	headers []string
	hits    int
}

func (tp *tap) start(t *testing.T, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	rp.FlushInterval = -1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tp.mu.Lock()
		tp.hits++
		if v := r.Header.Get("Authorization"); v != "" {
			tp.headers = append(tp.headers, v)
		}
		tp.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + u.Path
}

// TestTokenNeverForwarded: the client's bearer token stops at the proxy; the
// real upstream (server-everything behind a recording hop) never sees it.
func TestTokenNeverForwarded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	is := oidctest.Start(t)
	up := mcpnpm.StartEverything(t, "streamableHttp")
	var tp tap
	cfg := &runconfig.Config{Name: "everything", Transport: runconfig.TransportStreamableHTTP, Target: tp.start(t, up.URL),
		OIDC: &runconfig.OIDC{Issuer: is.URL, Audience: audience}}
	base, _ := startRunner(t, cfg, Options{})
	token := is.Sign(t, oidctest.Token{Subject: "alice", Audience: audience})
	cs := connectAs(t, ctx, base, runconfig.TransportStreamableHTTP, token)
	if got := call(t, ctx, cs, "echo", map[string]any{"message": "secret-free"}); !strings.Contains(got, "secret-free") {
		t.Fatalf("echo = %q", got)
	}
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tp.hits == 0 {
		t.Fatal("the upstream saw no request")
	}
	if len(tp.headers) > 0 {
		t.Fatalf("Authorization reached the upstream: %q", tp.headers)
	}
}

// TestBadSecurityConfig: mistakes in the config are reported at start, naming the field.
func TestBadSecurityConfig(t *testing.T) {
	tests := map[string]struct {
		mutate func(*runconfig.Config)
		want   string
	}{
		"relative issuer": {func(c *runconfig.Config) { c.OIDC = &runconfig.OIDC{Issuer: "idp"} }, "oidc: issuer"},
		"bad policy":      {func(c *runconfig.Config) { c.Authz = &runconfig.Authz{Policies: []string{"permit("}} }, "authz.policies[0]"},
		"empty authz":     {func(c *runconfig.Config) { c.Authz = &runconfig.Authz{} }, "authz.policies"},
		"colliding rename": {func(c *runconfig.Config) {
			c.ToolsOverride = map[string]runconfig.ToolOverride{"a": {Name: "x"}, "b": {Name: "x"}}
		}, "toolsOverride"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := &runconfig.Config{Name: "g", Transport: runconfig.TransportStdio, Stdio: &runconfig.Stdio{Command: "/bin/cat"}}
			tc.mutate(cfg)
			cfg.SetDefaults()
			if _, err := New(cfg, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error naming %s, got %v", tc.want, err)
			}
		})
	}
}
