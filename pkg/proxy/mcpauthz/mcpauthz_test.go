package mcpauthz

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/audit"
	"github.com/mcp-operator/mcp-operator/pkg/auth/cedar"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/mcpauthz/toolview"
)

// denyTool refuses one tool.
type denyTool string

func (d denyTool) Authorize(_ context.Context, _ *auth.Identity, op auth.Operation) (bool, error) {
	return !(op.Action == "call_tool" && op.Resource == string(d)), nil
}

func TestMiddlewareGates(t *testing.T) {
	reached := false
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true })
	h := Middleware(denyTool("rm_rf"), next)
	tests := map[string]struct {
		body        string
		wantCode    int
		wantReached bool
	}{
		"allowed call":      {`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}`, 200, true},
		"denied call":       {`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"rm_rf"}}`, 403, false},
		"denied in batch":   {`[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"rm_rf"}}]`, 403, false},
		"list is not gated": {`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, 200, true},
		"notification only": {`{"jsonrpc":"2.0","method":"notifications/initialized"}`, 200, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			reached = false
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(tc.body)))
			if rec.Code != tc.wantCode || reached != tc.wantReached {
				t.Fatalf("code %d reached %v, want %d %v (%s)", rec.Code, reached, tc.wantCode, tc.wantReached, rec.Body)
			}
			if tc.wantCode == 403 && !strings.Contains(rec.Body.String(), `not authorized to call_tool \"rm_rf\"`) {
				t.Fatalf("denial %s does not name the operation", rec.Body)
			}
		})
	}
}

func TestOperationFor(t *testing.T) {
	tests := map[string]struct {
		method, params string
		want           auth.Operation
		ok             bool
	}{
		"call": {"tools/call", `{"name":"t","arguments":{"a":1}}`, auth.Operation{Action: "call_tool", Resource: "t", Arguments: map[string]any{"a": float64(1)}}, true},
		"read": {"resources/read", `{"uri":"file:///x"}`, auth.Operation{Action: "read_resource", Resource: "file:///x"}, true},
		"get":  {"prompts/get", `{"name":"p"}`, auth.Operation{Action: "get_prompt", Resource: "p"}, true},
		"list": {"tools/list", ``, auth.Operation{}, false},
		// issue 10 item 6 (proxy runner side).
		"subscribe":         {"resources/subscribe", `{"uri":"file:///x"}`, auth.Operation{Action: "read_resource", Resource: "file:///x"}, true},
		"complete prompt":   {"completion/complete", `{"ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a","value":"x"}}`, auth.Operation{Action: "get_prompt", Resource: "p"}, true},
		"complete resource": {"completion/complete", `{"ref":{"type":"ref/resource","uri":"file:///{id}"},"argument":{"name":"id","value":"1"}}`, auth.Operation{Action: "read_resource", Resource: "file:///{id}"}, true},
		"ping":              {"ping", ``, auth.Operation{}, false},
		"init":              {"initialize", `{}`, auth.Operation{}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := OperationFor(tc.method, []byte(tc.params))
			if ok != tc.ok || got.Action != tc.want.Action || got.Resource != tc.want.Resource || len(got.Arguments) != len(tc.want.Arguments) {
				t.Fatalf("OperationFor = %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

const toolsResult = `{"tools":[{"name":"echo","description":"Echo","inputSchema":{"type":"object"}},{"name":"add","description":"Add"},{"name":"secret","description":"S"}],"nextCursor":"c1"}`

// upstream answers like an MCP server would: tools/list with toolsResult, a
// tools/call with the name it received; in JSON or, for SSE, in events split
// across writes.
func upstream(sse bool, got *string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		msgs, _ := parse(body)
		m := msgs[0]
		var result string
		switch m.Method {
		case "tools/list":
			result = toolsResult
		case "tools/call":
			*got = toolName(m.Params)
			result = `{"content":[{"type":"text","text":"called ` + *got + `"}]}`
		}
		answer := `{"jsonrpc":"2.0","id":` + string(m.ID) + `,"result":` + result + `}`
		if !sse {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "9999") // must not survive a rewrite
			_, _ = io.WriteString(w, answer)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n")
		half := len(answer) / 2
		_, _ = io.WriteString(w, "id: 1\nevent: message\ndata: "+answer[:half])
		w.(http.Flusher).Flush()
		_, _ = io.WriteString(w, answer[half:]+"\n\n")
	})
}

func TestListsAndCalls(t *testing.T) {
	az, err := cedar.New([]string{`permit(principal, action, resource); forbid(principal, action, resource == Tool::"secret");`}, "")
	if err != nil {
		t.Fatal(err)
	}
	view, err := toolview.New([]string{"echo", "secret", "shout"}, map[string]toolview.Override{"echo": {Name: "shout", Description: "Shout it"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, sse := range []bool{false, true} {
		name := map[bool]string{false: "json", true: "sse"}[sse]
		t.Run(name, func(t *testing.T) {
			core, logs := observer.New(zapcore.InfoLevel)
			var called string
			h := New(Options{Authorizer: az, Tools: view, Audit: audit.New(zap.New(core))})(upstream(sse, &called))
			post := func(body string) *httptest.ResponseRecorder {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(body)))
				return rec
			}
			rec := post(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
			m := answer(t, rec.Body.String())
			var res struct {
				Tools []struct {
					Name, Description string
					InputSchema       map[string]any
				}
				NextCursor string
			}
			if err := json.Unmarshal(m.Result, &res); err != nil {
				t.Fatal(err)
			}
			if len(res.Tools) != 1 || res.Tools[0].Name != "shout" || res.Tools[0].Description != "Shout it" || res.Tools[0].InputSchema["type"] != "object" || res.NextCursor != "c1" {
				t.Fatalf("tools/list answer %s", m.Result)
			}
			if rec.Header().Get("Content-Length") == "9999" {
				t.Fatal("stale Content-Length kept")
			}

			rec = post(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"shout","arguments":{}}}`)
			if m := answer(t, rec.Body.String()); called != "echo" || !strings.Contains(string(m.Result), "called echo") {
				t.Fatalf("renamed call reached %q: %s", called, rec.Body)
			}
			for tool, code := range map[string]int{"echo": 400, "add": 400, "secret": 403} {
				called = ""
				rec = post(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"` + tool + `"}}`)
				if rec.Code != code || called != "" || answer(t, rec.Body.String()).Error == nil {
					t.Fatalf("call %s: %d %s (reached %q)", tool, rec.Code, rec.Body, called)
				}
			}
			outcomes := map[string]int{}
			for _, e := range logs.All() {
				outcomes[e.ContextMap()["method"].(string)+" "+e.ContextMap()["outcome"].(string)]++
			}
			want := map[string]int{"tools/list success": 1, "tools/call success": 1, "tools/call not_found": 2, "tools/call denied": 1}
			if len(outcomes) != len(want) {
				t.Fatalf("audit %v, want %v", outcomes, want)
			}
			for k, n := range want {
				if outcomes[k] != n {
					t.Fatalf("audit %v, want %v", outcomes, want)
				}
			}
		})
	}
}

// answer returns the last JSON-RPC answer of a JSON or SSE body.
func answer(t *testing.T, body string) *message {
	t.Helper()
	var last *message
	if strings.HasPrefix(strings.TrimSpace(body), "{") {
		msgs, _ := parse([]byte(body))
		last = msgs[0]
	}
	for _, l := range strings.Split(body, "\n") {
		if d, ok := strings.CutPrefix(l, "data: "); ok {
			if msgs, _ := parse([]byte(d)); len(msgs) == 1 && msgs[0].isAnswer() {
				last = msgs[0]
			}
		}
	}
	if last == nil {
		t.Fatalf("no answer in %q", body)
	}
	return last
}

func TestEventStreamByShape(t *testing.T) {
	az, _ := cedar.New([]string{`permit(principal, action, resource == Tool::"add");`}, "")
	stream := "event: endpoint\ndata: /messages?session_id=1\n\n" +
		"event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":5,\"result\":" + toolsResult + "}\n\n" +
		"event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{\"content\":[],\"tools\":[{\"name\":\"echo\"}]}}\n\n"
	h := New(Options{Authorizer: az})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, stream)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sse", nil))
	got := rec.Body.String()
	events := strings.Split(got, "\n\n")
	if len(events) != 4 || events[0] != "event: endpoint\ndata: /messages?session_id=1" {
		t.Fatalf("stream %q", got)
	}
	if !strings.Contains(events[1], `"name":"add"`) || strings.Contains(events[1], `"echo"`) {
		t.Fatalf("list event not filtered: %q", events[1])
	}
	if !strings.Contains(events[2], `"tools":[{"name":"echo"}]`) {
		t.Fatalf("a call result was taken for a list: %q", events[2])
	}
}

func TestEncodedBodiesPassThrough(t *testing.T) {
	az, _ := cedar.New([]string{`permit(principal, action, resource == Tool::"add");`}, "")
	h := New(Options{Authorizer: az})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "" {
			t.Error("Accept-Encoding reached the server; its answer could not be rewritten")
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "br")
		_, _ = io.WriteString(w, "opaque")
	}))
	req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Body.String() != "opaque" {
		t.Fatalf("body %q", rec.Body)
	}
}
