package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestAuditLog: config audit writes one JSON line per request to logFile: who (the OIDC
// subject and the actor of its act claim), the event type, target, outcome (a tool's
// isError as tool_error), the request data when asked, the component; excluded event
// types are left out.
func TestAuditLog(t *testing.T) {
	is := oidctest.Start(t)
	authn, err := oidc.New(oidc.Config{Issuer: is.URL, Audience: "vmcp"})
	if err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "audit.jsonl")
	be := newCountingBackend(t)
	yes := true
	url, _ := startAuthGateway(t, &config.Config{Name: "gw", Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthOIDC, OIDC: &config.OIDC{Issuer: is.URL, Audience: "vmcp"}},
		Audit: &config.AuditConfig{Enabled: &yes, LogFile: logFile, Component: "gateway-audit", IncludeRequestData: &yes,
			ExcludeEventTypes: []string{"mcp_tools_list"}}}, authn)
	tok := is.Sign(t, oidctest.Token{Subject: "alice", Audience: "vmcp", Claims: map[string]any{"act": map[string]any{"sub": "agent-7"}}})
	ctx := context.Background()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "audit", Version: "1"}, nil).Connect(ctx,
		&mcp.StreamableClientTransport{Endpoint: url, HTTPClient: oidctest.Client(tok)}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	names := toolNames(t, cs)
	find := func(suffix string) string {
		for _, n := range names {
			if strings.HasSuffix(n, suffix) {
				return n
			}
		}
		t.Fatalf("no tool *%s in %v", suffix, names)
		return ""
	}
	count, fail := find("count"), find("fail")
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: count, Arguments: map[string]any{"marker": "m-42"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: fail, Arguments: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byTarget := map[string]map[string]any{}
	types := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("audit line is not JSON: %s", sc.Text())
		}
		types[line["event_type"].(string)] = true
		if tgt, _ := line["target"].(string); tgt != "" {
			byTarget[tgt] = line
		}
	}
	if types["mcp_tools_list"] {
		t.Error("excluded event type mcp_tools_list was written")
	}
	if !types["mcp_initialize"] {
		t.Errorf("no mcp_initialize event (types %v)", types)
	}
	c := byTarget[count]
	if c == nil || c["event_type"] != "mcp_tool_call" || c["subject"] != "alice" || c["outcome"] != "success" ||
		c["component"] != "gateway-audit" || !strings.Contains(c["request"].(string), "m-42") ||
		len(c["actors"].([]any)) != 1 || c["actors"].([]any)[0] != "agent-7" {
		t.Errorf("tool call event %v", c)
	}
	if e := byTarget[fail]; e == nil || e["outcome"] != "tool_error" {
		t.Errorf("failing tool event %v, want outcome tool_error", e)
	}
}
