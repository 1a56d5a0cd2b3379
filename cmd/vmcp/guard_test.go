package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestServeClusterModeRefusesRebinding (issue 10 item 7): listening on 0.0.0.0 as the
// operator runs it, a request with a foreign Host and Origin is refused, while the
// configured Service name, an IP literal and localhost are served.
func TestServeClusterModeRefusesRebinding(t *testing.T) {
	backend := mcp.NewServer(&mcp.Implementation{Name: "b", Version: "1"}, nil)
	bs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return backend }, nil))
	t.Cleanup(bs.Close)
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte("backends: [{name: b, url: '"+bs.URL+"'}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan int)
	go func() {
		var out bytes.Buffer
		exited <- run(ctx, []string{"serve", "--config", cfg, "--host", "0.0.0.0", "--port", port, "--allowed-hosts", "vmcp-x,vmcp-x.ns.svc"}, &out, &out)
	}()
	t.Cleanup(func() { cancel(); <-exited })
	post := func(host, origin string) (int, error) {
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:"+port+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		req.Host = host
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := post("127.0.0.1:"+port, ""); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("vmcp did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	tests := map[string]struct {
		host, origin string
		refused      bool
	}{
		"rebinding name and origin": {host: "evil.com", origin: "http://evil.com", refused: true},
		"rebinding name with port":  {host: "evil.com:" + port, refused: true},
		"service name":              {host: "vmcp-x.ns.svc:" + port},
		"short service name":        {host: "vmcp-x"},
		"ip literal":                {host: "127.0.0.1:" + port},
		"localhost":                 {host: "localhost:" + port},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, err := post(tc.host, tc.origin)
			if err != nil {
				t.Fatal(err)
			}
			if (code == http.StatusForbidden) != tc.refused {
				t.Fatalf("Host %q Origin %q: status %d, refused want %v", tc.host, tc.origin, code, tc.refused)
			}
		})
	}
}

func TestHostGuardDefaultsToServiceNames(t *testing.T) {
	t.Setenv("VMCP_NAME", "demo")
	t.Setenv("VMCP_NAMESPACE", "team")
	g := hostGuard("0.0.0.0", nil)
	want := []string{"vmcp-demo", "vmcp-demo.team", "vmcp-demo.team.svc", "vmcp-demo.team.svc.cluster.local"}
	if g.LoopbackOnly || !slices.Equal(g.AllowedHosts, want) {
		t.Fatalf("guard %+v, want hosts %v", g, want)
	}
	if g := hostGuard("0.0.0.0", []string{"gw.example.com"}); !slices.Equal(g.AllowedHosts, []string{"gw.example.com"}) {
		t.Fatalf("explicit hosts replaced: %+v", g)
	}
}
