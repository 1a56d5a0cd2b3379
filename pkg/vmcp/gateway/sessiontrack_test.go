package gateway

import (
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestIdleSessionsCostNoGoroutinesOfTheirOwn: an idle client session costs the
// SDK's one reading goroutine and none of the gateway's (at 10,000 sessions
// each waiting goroutine costs ~80 MB of stacks), and ended sessions are still
// forgotten (by the sweep), with their logging levels.
func TestIdleSessionsCostNoGoroutinesOfTheirOwn(t *testing.T) {
	be := newCountingBackend(t)
	url, g := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}})
	const n = 200
	before := runtime.NumGoroutine()
	sids := make([]string, n)
	for i := range sids {
		sids[i] = rawSession(t, url)
		rawPost(t, url, sids[i], "2025-11-25", `{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"info"}}`)
	}
	time.Sleep(200 * time.Millisecond) // let the HTTP connection goroutines settle
	if per := float64(runtime.NumGoroutine()-before) / n; per > 1.5 {
		t.Errorf("%.2f goroutines per idle session, want at most 1.5 (the SDK's one)", per)
	}
	for _, sid := range sids {
		req, _ := http.NewRequest(http.MethodDelete, url, nil)
		req.Header.Set("Mcp-Session-Id", sid)
		req.Header.Set(protocolHeader, "2025-11-25")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	eventually(t, 5*time.Second, "every deleted session forgotten", func() bool {
		g.tracker.mu.Lock()
		attached := len(g.tracker.byID)
		g.tracker.mu.Unlock()
		levels := 0
		g.levels.m.Range(func(any, any) bool { levels++; return true })
		return attached == 0 && levels == 0
	})
}
