package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
)

// TestServeOIDC runs `vmcp serve` with incomingAuth oidc and Cedar in front of a
// real server-everything (behind a hop that records Authorization headers).
func TestServeOIDC(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	is := oidctest.Start(t)
	up := mcpnpm.StartEverything(t, "streamableHttp")
	var mu sync.Mutex
	var forwarded []string
	target, _ := url.Parse(up.URL)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	rp.FlushInterval = -1
	tap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		forwarded = append(forwarded, r.Header.Get("Authorization"))
		mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(tap.Close) // after vmcp stops: its backend stream goes through the tap

	const aud = "vmcp-test"
	cfg := map[string]any{
		"name":     "secure",
		"backends": []any{map[string]any{"name": "everything", "url": tap.URL + target.Path, "transport": "streamable-http"}},
		"incomingAuth": map[string]any{
			"type": "oidc",
			"oidc": map[string]any{"issuer": is.URL, "audience": aud, "scopes": []string{"openid", "mcp"}},
			"authz": map[string]any{"type": "cedar", "policies": []string{
				`permit(principal, action == Action::"call_tool", resource == Tool::"everything_echo") when { principal has claim_groups && principal.claim_groups.contains("eng") };`,
			}},
		},
	}
	data, _ := json.Marshal(cfg)
	path := filepath.Join(t.TempDir(), "vmcp.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	port := mcpnpm.FreePort(t)
	sctx, stop := context.WithCancel(context.Background())
	exited := make(chan int, 1)
	var out bytes.Buffer
	go func() {
		exited <- run(sctx, []string{"serve", "--config", path, "--port", strconv.Itoa(port)}, &out, &out)
	}()
	t.Cleanup(func() {
		stop()
		if code := <-exited; code != 0 {
			t.Errorf("serve exited with %d", code)
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitReady(t, base)

	token := is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud, Claims: map[string]any{"groups": []string{"eng"}}})
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx,
		&mcp.StreamableClientTransport{Endpoint: base + "/mcp", HTTPClient: oidctest.Client(token), MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
	}
	if !slices.Equal(names, []string{"everything_echo"}) {
		t.Fatalf("tools %v, want only everything_echo", names)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "everything_echo", Arguments: map[string]any{"message": "hello"}})
	if err != nil || res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "hello") {
		t.Fatalf("echo: %+v, %v", res, err)
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "everything_get-sum", Arguments: map[string]any{"a": 1, "b": 2}}); err == nil ||
		!strings.Contains(err.Error(), "not authorized to call_tool everything_get-sum") {
		t.Fatalf("a call outside the policy: %v", err)
	}

	wantChallenge := `resource_metadata="` + base + oidc.MetadataPath + `"`
	for name, tok := range map[string]string{
		"missing":        "",
		"expired":        is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud, TTL: -10 * time.Minute}),
		"wrong audience": is.Sign(t, oidctest.Token{Subject: "alice", Audience: "other"}),
		"wrong issuer":   is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud, Issuer: "https://evil.example.com"}),
	} {
		req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), wantChallenge) {
			t.Fatalf("%s: status %d, WWW-Authenticate %q", name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}

	resp, err := http.Get(base + oidc.MetadataPath)
	if err != nil {
		t.Fatal(err)
	}
	var md oidc.Metadata
	err = json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if err != nil || md.Resource != base+"/mcp" || !slices.Equal(md.AuthorizationServers, []string{is.URL}) || !slices.Equal(md.ScopesSupported, []string{"openid", "mcp"}) {
		t.Fatalf("metadata %+v, %v", md, err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(forwarded) == 0 {
		t.Fatal("the backend saw no request")
	}
	for _, h := range forwarded {
		if h != "" {
			t.Fatalf("Authorization %q reached the backend", h)
		}
	}
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
	}
	t.Fatal("vmcp did not become ready")
}
