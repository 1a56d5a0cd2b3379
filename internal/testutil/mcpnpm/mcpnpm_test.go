package mcpnpm

import (
	"net/http"
	"strings"
	"testing"
)

// TestStartEverythingLoopback checks that server-everything starts, answers an MCP
// initialize over Streamable HTTP and is bound to loopback only.
func TestStartEverythingLoopback(t *testing.T) {
	s := StartEverything(t, "streamableHttp")
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`
	req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("initialize: status %d", resp.StatusCode)
	}
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %q is not loopback", s.URL)
	}
	s.Kill()
	if _, err := http.Get(s.URL); err == nil {
		t.Fatal("server still answers after Kill")
	}
}
