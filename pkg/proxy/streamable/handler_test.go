package streamable

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/proxy/bridge"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/stdio"
)

// catServer answers initialize and echoes the method of every other request.
type catDialer struct{}

func (catDialer) String() string { return "sh" }
func (catDialer) Dial(ctx context.Context) (stdio.Stream, error) {
	s := &stdio.Subprocess{Command: "/bin/sh", Args: []string{"-c",
		`while read -r line; do id=$(echo "$line" | sed -n 's/.*"id":\([0-9"a-z-]*\).*/\1/p'); ` +
			`[ -n "$id" ] && echo "{\"jsonrpc\":\"2.0\",\"id\":$id,\"result\":{\"ok\":true}}"; done`}}
	return s.Dial(ctx)
}

func TestProtocolErrors(t *testing.T) {
	b := bridge.New(bridge.Options{Dialer: catDialer{}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for up, _ := b.Status(); !up; up, _ = b.Status() {
		time.Sleep(5 * time.Millisecond)
	}
	h := New(b, Options{})
	do := func(method, sid, ctype, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/mcp", strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("Accept", "application/json, text/event-stream")
		if sid != "" {
			req.Header.Set(SessionHeader, sid)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	tests := map[string]struct {
		method, sid, ctype, body string
		want                     int
	}{
		"no session, not initialize": {"POST", "", "application/json", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, 400},
		"unknown session":            {"POST", "nope", "application/json", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, 404},
		"wrong content type":         {"POST", "", "text/plain", `{}`, 415},
		"invalid JSON":               {"POST", "", "application/json", `{"jsonrpc":`, 400},
		"GET without session":        {"GET", "", "", "", 400},
		"PUT":                        {"PUT", "", "", "", 405},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if rec := do(tc.method, tc.sid, tc.ctype, tc.body); rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
		})
	}

	rec := do("POST", "", "application/json", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	sid := rec.Header().Get(SessionHeader)
	if rec.Code != 200 || sid == "" || !strings.Contains(rec.Body.String(), `"id":1,"result":{"ok":true}`) {
		t.Fatalf("initialize: %d %q %s", rec.Code, sid, rec.Body)
	}
	if rec := do("POST", sid, "application/json", `{"jsonrpc":"2.0","method":"notifications/initialized"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("notification: %d", rec.Code)
	}
	rec = do("POST", sid, "application/json", `[{"jsonrpc":"2.0","id":"a","method":"x"},{"jsonrpc":"2.0","id":"b","method":"y"}]`)
	body, _ := io.ReadAll(rec.Body)
	if strings.Count(string(body), `"result":{"ok":true}`) != 2 || !strings.Contains(string(body), `"id":"a"`) || !strings.Contains(string(body), `"id":"b"`) {
		t.Fatalf("batch answers: %s", body)
	}
	if h.Sessions() != 1 {
		t.Fatalf("sessions = %d", h.Sessions())
	}
	if rec := do("DELETE", sid, "", ""); rec.Code != http.StatusNoContent || h.Sessions() != 0 {
		t.Fatalf("DELETE: %d, sessions %d", rec.Code, h.Sessions())
	}
	if rec := do("POST", sid, "application/json", `{"jsonrpc":"2.0","id":2,"method":"x"}`); rec.Code != 404 {
		t.Fatalf("after DELETE: %d", rec.Code)
	}
}
