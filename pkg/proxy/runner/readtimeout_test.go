package runner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

// TestProxyReadTimeoutStdio: a stdio server behind the proxy with proxyReadTimeout 1s. A
// 3s tool call that sends nothing meanwhile is answered with a JSON-RPC error after
// about 1s; the same call sending progress every 0.5s completes (the timeout bounds the
// silence between messages); the session keeps working.
func TestProxyReadTimeoutStdio(t *testing.T) {
	cfg := stdioConfig(t, mcpnpm.Everything, runconfig.TransportStreamableHTTP)
	cfg.ProxyReadTimeout = "1s"
	base, _ := startRunner(t, cfg, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cs := connect(t, ctx, base, runconfig.TransportStreamableHTTP, nil)
	long := map[string]any{"duration": 3, "steps": 6}
	start := time.Now()
	_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "trigger-long-running-operation", Arguments: long})
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "proxyReadTimeout") {
		t.Fatalf("silent 3s call: %v after %s, want the proxyReadTimeout error", err, took)
	}
	if took > 2500*time.Millisecond {
		t.Fatalf("the timeout error came after %s, want about 1s", took)
	}
	params := &mcp.CallToolParams{Name: "trigger-long-running-operation", Arguments: long}
	params.SetProgressToken("p-1")
	res, err := cs.CallTool(ctx, params)
	if err != nil || !strings.Contains(text(res), "Steps: 6") {
		t.Fatalf("call with progress every 0.5s: %v %v", res, err)
	}
	if got := call(t, ctx, cs, "echo", map[string]any{"message": "still here"}); !strings.Contains(got, "still here") {
		t.Fatalf("echo after the timeout = %q", got)
	}
}
