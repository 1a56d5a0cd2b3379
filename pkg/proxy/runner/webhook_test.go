package runner

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/webhook"
)

// webhookServer is a real HTTP webhook on loopback that records what it was sent.
type webhookServer struct {
	mu      sync.Mutex
	reviews []webhook.Review
	badSig  int
}

func (ws *webhookServer) handler(secret string, decide func(webhook.Review) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var rv webhook.Review
		_ = json.Unmarshal(body, &rv)
		ws.mu.Lock()
		ws.reviews = append(ws.reviews, rv)
		if secret != "" {
			want := "sha256=" + webhook.Sign([]byte(secret), r.Header.Get("X-Webhook-Timestamp"), body)
			if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Webhook-Signature"))) {
				ws.badSig++
			}
		}
		ws.mu.Unlock()
		_ = json.NewEncoder(w).Encode(decide(rv))
	}
}

func toolArgs(rv webhook.Review) (method, message string) {
	var m struct {
		Method string `json:"method"`
		Params struct {
			Arguments map[string]any `json:"arguments"`
		} `json:"params"`
	}
	_ = json.Unmarshal(rv.MCPRequest, &m)
	s, _ := m.Params.Arguments["message"].(string)
	return m.Method, s
}

// TestWebhooks runs a real MCP server (server-everything over stdio) behind the proxy
// runner with a mutating webhook over TLS (CA from env) and a validating webhook
// signing-checked with HMAC, both real HTTP servers on loopback; then the failure
// policies with an unreachable and a too-slow webhook.
func TestWebhooks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var mutating, validating webhookServer
	mut := httptest.NewTLSServer(mutating.handler("", func(rv webhook.Review) any {
		if m, msg := toolArgs(rv); m == "tools/call" && msg == "rewrite me" {
			return map[string]any{"allowed": true, "patch_type": "json_patch",
				"patch": []map[string]any{{"op": "replace", "path": "/params/arguments/message", "value": "rewritten by webhook"}}}
		}
		return map[string]any{"allowed": true}
	}))
	defer mut.Close()
	val := httptest.NewServer(validating.handler("hmac-secret", func(rv webhook.Review) any {
		if _, msg := toolArgs(rv); msg == "forbidden" {
			return map[string]any{"allowed": false, "message": "forbidden words"}
		}
		return map[string]any{"allowed": true}
	}))
	defer val.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(2 * time.Second)
		_, _ = w.Write([]byte(`{"allowed":true}`))
	}))
	defer slow.Close()
	t.Setenv("WEBHOOK_CA", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: mut.Certificate().Raw})))
	t.Setenv("WEBHOOK_HMAC", "hmac-secret")

	cfg := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
	cfg.Webhooks = &webhook.Config{
		Mutating:   []webhook.Hook{{Name: "rewrite", URL: mut.URL, CACertEnv: "WEBHOOK_CA"}},
		Validating: []webhook.Hook{{Name: "words", URL: val.URL, HMACSecretEnv: "WEBHOOK_HMAC", Timeout: "5s"}},
	}
	base, _ := startRunner(t, cfg, Options{})
	cs := connect(t, ctx, base, runconfig.TransportStreamableHTTP, nil)

	if got := call(t, ctx, cs, "echo", map[string]any{"message": "rewrite me"}); !strings.Contains(got, "rewritten by webhook") {
		t.Errorf("mutating webhook: echo answered %q", got)
	}
	_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": "forbidden"}})
	if err == nil || !strings.Contains(err.Error(), "webhook words: forbidden words") {
		t.Errorf("validating webhook: want refusal naming it, got %v", err)
	}
	if got := call(t, ctx, cs, "echo", map[string]any{"message": "fine"}); !strings.Contains(got, "fine") {
		t.Errorf("allowed call answered %q", got)
	}
	validating.mu.Lock()
	if validating.badSig > 0 || len(validating.reviews) == 0 {
		t.Errorf("validating webhook: %d reviews, %d with a bad HMAC signature", len(validating.reviews), validating.badSig)
	}
	for _, rv := range validating.reviews {
		if m, msg := toolArgs(rv); m == "tools/call" && msg == "rewrite me" {
			t.Errorf("validating webhook saw the request before the mutating one rewrote it")
		}
		if rv.Version != webhook.Version || rv.Context.ServerName != cfg.Name || rv.Principal == nil || rv.Principal.Subject == "" {
			t.Errorf("review %+v lacks version, server name or principal", rv)
		}
	}
	validating.mu.Unlock()

	for name, tc := range map[string]struct {
		hook    webhook.Hook
		refused bool
	}{
		"unreachable, ignore": {webhook.Hook{Name: "gone", URL: "http://127.0.0.1:1/", FailurePolicy: webhook.FailurePolicyIgnore}, false},
		"unreachable, fail":   {webhook.Hook{Name: "gone", URL: "http://127.0.0.1:1/", FailurePolicy: webhook.FailurePolicyFail}, true},
		"timeout, fail":       {webhook.Hook{Name: "slow", URL: slow.URL, Timeout: "200ms"}, true},
	} {
		t.Run(name, func(t *testing.T) {
			c := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
			c.Webhooks = &webhook.Config{Validating: []webhook.Hook{tc.hook}}
			b, _ := startRunner(t, c, Options{})
			var s *mcp.ClientSession
			client := mcp.NewClient(&mcp.Implementation{Name: "proxy-test", Version: "1"}, nil)
			s, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: b + "/mcp", MaxRetries: -1}, nil)
			if tc.refused {
				// initialize itself is an MCP request the webhook sees.
				if err == nil || !strings.Contains(err.Error(), "webhook "+tc.hook.Name+" failed") {
					t.Fatalf("want the session refused by webhook %s, got %v", tc.hook.Name, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			call(t, ctx, s, "echo", map[string]any{"message": "through"})
		})
	}
}

// TestEndpointPrefix: with endpointPrefix the legacy SSE stream announces the
// message endpoint under the prefix (the path the client must use through an ingress
// that strips it), with server-memory behind the proxy.
func TestEndpointPrefix(t *testing.T) {
	cfg := stdioConfig(t, mcpnpm.Memory, runconfig.TransportSSE)
	cfg.EndpointPrefix = "/team-a/"
	base, _ := startRunner(t, cfg, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sse", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 256)
	n, _ := io.ReadAtLeast(resp.Body, buf, len("event: endpoint\ndata: /team-a/messages?sessionId="))
	if got := string(buf[:n]); !strings.HasPrefix(got, "event: endpoint\ndata: /team-a/messages?sessionId=") {
		t.Fatalf("endpoint event %q, want the /team-a prefix", got)
	}
}
