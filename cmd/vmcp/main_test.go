package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/mcp-operator/mcp-operator/internal/testutil/redisserver"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestValidateCommand(t *testing.T) {
	valid := filepath.Join(t.TempDir(), "ok.yaml")
	if err := os.WriteFile(valid, []byte("backends: [{name: a, url: 'http://127.0.0.1:1/mcp'}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args     []string
		code     int
		contains []string
	}{
		"valid": {args: []string{"validate", "--config", valid}, code: 0, contains: []string{"is valid"}},
		"every problem": {args: []string{"validate", "--config", "testdata/invalid.yaml"}, code: 1, contains: []string{
			`backends[0].url: "ftp://nowhere" is not an http(s) URL`, `backends[1].name: duplicate backend name "a"`,
			"backends[1].command: required for a stdio backend", "priorityOrder: required when conflictResolution is priority",
			`operational.timeouts.default: "soon" is not a duration`}},
		// issue 10 item 5: Cedar parse errors with the parser's position.
		"cedar syntax": {args: []string{"validate", "--config", "testdata/bad-cedar.yaml"}, code: 1, contains: []string{
			"incomingAuth.authz: policies[0]", "2:24"}},
		"missing flag":    {args: []string{"validate"}, code: 2, contains: []string{"--config is required"}},
		"unknown command": {args: []string{"frobnicate"}, code: 2, contains: []string{`unknown command "frobnicate"`}},
		"version":         {args: []string{"version"}, code: 0, contains: []string{"vmcp "}},
		"help":            {args: []string{"--help"}, code: 0, contains: []string{"vmcp serve --config FILE"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			code := run(context.Background(), tc.args, &out, &out)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tc.code, out.String())
			}
			for _, c := range tc.contains {
				if !strings.Contains(out.String(), c) {
					t.Errorf("output lacks %q:\n%s", c, out.String())
				}
			}
		})
	}
}

// TestServeGracefulShutdown serves a config, starts a slow call, cancels the
// process context and checks that the in-flight call still completes.
func TestServeGracefulShutdown(t *testing.T) {
	backend := mcp.NewServer(&mcp.Implementation{Name: "b", Version: "1"}, nil)
	backend.AddTool(&mcp.Tool{Name: "slow", InputSchema: &jsonschema.Schema{Type: "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			time.Sleep(500 * time.Millisecond)
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil
		})
	bs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return backend }, nil))
	defer bs.Close()
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("backends: [{name: b, url: '%s'}]\n", bs.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan int)
	go func() {
		var out bytes.Buffer
		exited <- run(ctx, []string{"serve", "--config", cfg, "--port", strconv.Itoa(port)}, &out, &out)
	}()
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("vmcp did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url + "/mcp"}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() {
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "b_slow", Arguments: map[string]any{}})
		if err == nil && (len(res.Content) == 0 || res.Content[0].(*mcp.TextContent).Text != "done") {
			err = fmt.Errorf("unexpected result %+v", res)
		}
		result <- err
	}()
	time.Sleep(150 * time.Millisecond)
	start := time.Now()
	cancel()
	if err := <-result; err != nil {
		t.Errorf("in-flight call during shutdown: %v", err)
	}
	if code := <-exited; code != 0 {
		t.Errorf("serve exited with %d", code)
	}
	// The session's open SSE stream must not hold shutdown for its 30s timeout.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %s", d)
	}
}

// TestServeSessionsSurviveRestart: with sessionStorage provider redis (a real
// redis-server with a password read from VMCP_SESSION_REDIS_PASSWORD), a client
// session continues after vmcp is stopped and started again on the same port.
// With provider memory the call after the restart fails with "session not found".
func TestServeSessionsSurviveRestart(t *testing.T) {
	redis := redisserver.Start(t, "restart-pw")
	t.Setenv(config.SessionRedisPasswordEnv, "restart-pw")
	backend := mcp.NewServer(&mcp.Implementation{Name: "b", Version: "1"}, nil)
	backend.AddTool(&mcp.Tool{Name: "hello", InputSchema: &jsonschema.Schema{Type: "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "hi"}}}, nil
		})
	bs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return backend }, nil))
	defer bs.Close()
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	body := fmt.Sprintf("backends: [{name: b, url: '%s'}]\nsessionStorage: {provider: redis, address: '%s', keyPrefix: 'restart:'}\n", bs.URL, redis.Addr)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	start := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		exited := make(chan int, 1)
		var out bytes.Buffer
		go func() {
			exited <- run(ctx, []string{"serve", "--config", cfg, "--port", strconv.Itoa(port)}, &out, &out)
		}()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if resp, err := http.Get(url + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("vmcp did not become ready:\n%s", out.String())
			}
		}
		return func() {
			cancel()
			if code := <-exited; code != 0 {
				t.Errorf("serve exited with %d:\n%s", code, out.String())
			}
		}
	}
	stop := start()
	c := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url + "/mcp"}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	call := func(when string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "b_hello", Arguments: map[string]any{}})
		if err != nil || res.IsError || res.Content[0].(*mcp.TextContent).Text != "hi" {
			t.Fatalf("%s: b_hello = %+v, %v", when, res, err)
		}
	}
	call("before the restart")
	stop()
	stop = start()
	defer stop()
	call("after the restart")
}
