package runner

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/ratelimit"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestRateLimiting: a real stdio server behind the proxy with OIDC and rateLimiting
// (perUser 2 calls an hour, tool echo 3 calls an hour for everybody). alice gets two
// calls, bob one more echo; then echo is refused for bob by the tool's shared bucket
// while another tool still works; refusals are HTTP 429 with a JSON-RPC error.
func TestRateLimiting(t *testing.T) {
	is := oidctest.Start(t)
	cfg := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
	cfg.OIDC = &runconfig.OIDC{Issuer: is.URL, Audience: audience}
	cfg.RateLimiting = &config.RateLimiting{
		PerUser: &config.RateLimitingPerUser{MaxTokens: 2, RefillPeriod: "1h"},
		Tools:   []config.RateLimitingTool{{Name: "echo", Shared: &config.RateLimitingPerUser{MaxTokens: 3, RefillPeriod: "1h"}}},
	}
	base, _ := startRunner(t, cfg, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	aliceTok := is.Sign(t, oidctest.Token{Subject: "alice", Audience: audience})
	bobTok := is.Sign(t, oidctest.Token{Subject: "bob", Audience: audience})
	alice := connectAs(t, ctx, base, runconfig.TransportStreamableHTTP, aliceTok)
	bob := connectAs(t, ctx, base, runconfig.TransportStreamableHTTP, bobTok)
	// Lists are not counted.
	for range 3 {
		if _, err := alice.ListTools(ctx, nil); err != nil {
			t.Fatalf("tools/list: %v", err)
		}
	}
	echo := map[string]any{"message": "hi"}
	for i := range 2 {
		if _, err := alice.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: echo}); err != nil {
			t.Fatalf("alice call %d: %v", i+1, err)
		}
	}
	_, err := alice.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: echo})
	// The echo bucket still has a token: only alice's perUser bucket refuses (the SDK
	// reports the HTTP status; the raw POST below shows the body).
	if err == nil || !strings.Contains(err.Error(), http.StatusText(http.StatusTooManyRequests)) {
		t.Fatalf("alice's third call: %v, want 429", err)
	}
	if _, err := bob.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: echo}); err != nil {
		t.Fatalf("bob's first call: %v", err)
	}

	// bob's second echo: the tool's shared bucket (3) is empty. A raw POST shows the wire form.
	body := `{"jsonrpc":"2.0","id":"rl-7","method":"tools/call","params":{"name":"echo","arguments":{"message":"x"}}}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/mcp", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bobTok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", bob.ID())
	req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q, want 429 with Retry-After (body %s)", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
	var rpc struct {
		ID    string `json:"id"`
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &rpc); err != nil || rpc.ID != "rl-7" || rpc.Error.Code != ratelimit.CodeRateLimited ||
		!strings.Contains(rpc.Error.Message, "rateLimiting.tools[echo].shared") {
		t.Fatalf("body %s, want a JSON-RPC error %d for id rl-7 naming the tool limit", raw, ratelimit.CodeRateLimited)
	}
	// Another tool draws from bob's perUser bucket only (one token left).
	if _, err := bob.CallTool(ctx, &mcp.CallToolParams{Name: "get-sum", Arguments: map[string]any{"a": 1, "b": 2}}); err != nil {
		t.Fatalf("bob's get-sum: %v", err)
	}
}
