package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/ratelimit"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestRateLimiting: config.rateLimiting perUser (2 an hour) for OIDC users alice and
// bob; alice's third call is refused with HTTP 429 and a JSON-RPC error and never
// reaches the backend, bob still has his own bucket.
func TestRateLimiting(t *testing.T) {
	is := oidctest.Start(t)
	authn, err := oidc.New(oidc.Config{Issuer: is.URL, Audience: "vmcp"})
	if err != nil {
		t.Fatal(err)
	}
	be := newCountingBackend(t)
	url, _ := startAuthGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthOIDC, OIDC: &config.OIDC{Issuer: is.URL, Audience: "vmcp"}},
		RateLimiting: &config.RateLimiting{PerUser: &config.RateLimitingPerUser{MaxTokens: 2, RefillPeriod: "1h"}}}, authn)
	ctx := context.Background()
	open := func(tok string) *mcp.ClientSession {
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "rl", Version: "1"}, nil).Connect(ctx,
			&mcp.StreamableClientTransport{Endpoint: url, HTTPClient: oidctest.Client(tok)}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cs.Close() })
		return cs
	}
	aliceTok := is.Sign(t, oidctest.Token{Subject: "alice", Audience: "vmcp"})
	alice := open(aliceTok)
	bob := open(is.Sign(t, oidctest.Token{Subject: "bob", Audience: "vmcp"}))
	tools := toolNames(t, alice)
	if len(tools) == 0 {
		t.Fatal("no tools")
	}
	tool := ""
	for _, n := range tools {
		if strings.HasSuffix(n, "count") {
			tool = n
		}
	}
	for i := range 2 {
		if _, err := alice.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: map[string]any{}}); err != nil {
			t.Fatalf("alice call %d: %v", i+1, err)
		}
	}
	body := `{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"` + tool + `","arguments":{}}}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+aliceTok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", alice.ID())
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var rpc struct {
		ID    int `json:"id"`
		Error struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	if resp.StatusCode != http.StatusTooManyRequests || json.Unmarshal(raw, &rpc) != nil || rpc.ID != 41 || rpc.Error.Code != ratelimit.CodeRateLimited {
		t.Fatalf("third call: status %d body %s, want 429 with JSON-RPC error %d for id 41", resp.StatusCode, raw, ratelimit.CodeRateLimited)
	}
	if n := be.calls.Load(); n != 2 {
		t.Fatalf("backend saw %d calls, want 2 (the refused one must not reach it)", n)
	}
	if _, err := bob.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: map[string]any{}}); err != nil {
		t.Fatalf("bob: %v", err)
	}
}
