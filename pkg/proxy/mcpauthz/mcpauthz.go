package mcpauthz

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// OperationFor maps an MCP method and its params to the operation to authorize;
// ok is false for methods that need no decision (initialize, ping, notifications).
func OperationFor(method string, params json.RawMessage) (auth.Operation, bool) {
	var p struct {
		Name      string         `json:"name"`
		URI       string         `json:"uri"`
		Arguments map[string]any `json:"arguments"`
	}
	_ = json.Unmarshal(params, &p)
	switch method {
	case "tools/list":
		return auth.Operation{Action: "list_tools"}, true
	case "tools/call":
		return auth.Operation{Action: "call_tool", Resource: p.Name, Arguments: p.Arguments}, true
	case "resources/list", "resources/templates/list":
		return auth.Operation{Action: "list_resources"}, true
	case "resources/read", "resources/subscribe":
		return auth.Operation{Action: "read_resource", Resource: p.URI}, true
	case "prompts/list":
		return auth.Operation{Action: "list_prompts"}, true
	case "prompts/get":
		return auth.Operation{Action: "get_prompt", Resource: p.Name}, true
	}
	return auth.Operation{}, false
}

// Middleware authorizes every JSON-RPC request in POST bodies with az; a denied
// request gets HTTP 403 with a JSON-RPC error naming the operation. Bodies that
// are not JSON-RPC pass through for the handler to reject. AllowAll skips parsing.
func Middleware(az auth.Authorizer, next http.Handler) http.Handler {
	if _, ok := az.(auth.AllowAll); ok || az == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "reading body: "+err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		for _, m := range requests(body) {
			op, ok := OperationFor(m.Method, m.Params)
			if !ok {
				continue
			}
			allowed, err := az.Authorize(r.Context(), auth.IdentityFrom(r.Context()), op)
			if err != nil || !allowed {
				deny(w, m.ID, op)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

type rpc struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

func requests(body []byte) []rpc {
	body = bytes.TrimSpace(body)
	var list []rpc
	if len(body) > 0 && body[0] == '[' {
		_ = json.Unmarshal(body, &list)
	} else {
		var one rpc
		if json.Unmarshal(body, &one) == nil {
			list = []rpc{one}
		}
	}
	out := list[:0]
	for _, m := range list {
		if m.Method != "" && m.ID != nil {
			out = append(out, m)
		}
	}
	return out
}

func deny(w http.ResponseWriter, id json.RawMessage, op auth.Operation) {
	msg, _ := json.Marshal("forbidden: " + op.Action + " " + op.Resource)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(id) + `,"error":{"code":-32001,"message":` + string(msg) + `}}`))
}
