package mcpauthz

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// denyTool refuses one tool.
type denyTool string

func (d denyTool) Authorize(_ context.Context, _ *auth.Identity, op auth.Operation) (bool, error) {
	return !(op.Action == "call_tool" && op.Resource == string(d)), nil
}

func TestMiddleware(t *testing.T) {
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
			if tc.wantCode == 403 && !strings.Contains(rec.Body.String(), "rm_rf") {
				t.Fatalf("denial %s does not name the tool", rec.Body)
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
		"list": {"tools/list", ``, auth.Operation{Action: "list_tools"}, true},
		"ping": {"ping", ``, auth.Operation{}, false},
		"init": {"initialize", `{}`, auth.Operation{}, false},
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
