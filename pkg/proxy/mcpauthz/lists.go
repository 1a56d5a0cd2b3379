package mcpauthz

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// listKinds describes the lists that are filtered: the result's array, the item
// field naming it, and the action a caller needs on an item to see it.
var listKinds = map[string]struct{ key, field, action string }{
	"tools/list":     {"tools", "name", "call_tool"},
	"prompts/list":   {"prompts", "name", "get_prompt"},
	"resources/list": {"resources", "uri", "read_resource"},
	// A template is listed when reading its URI template itself is permitted.
	"resources/templates/list": {"resourceTemplates", "uriTemplate", "read_resource"},
}

// rewriteFunc returns what the rewriter applies to each message of a response:
// audit the answer of a pending request (ex may be nil for event streams) and
// filter list results. It reports whether it changed the message.
func (p *policy) rewriteFunc(r *http.Request, ex *exchange) func(*message) bool {
	ctx, id := r.Context(), auth.IdentityFrom(r.Context())
	return func(m *message) bool {
		if !m.isAnswer() {
			return false
		}
		method := ""
		if ex != nil {
			if pd, ok := ex.pending[string(m.ID)]; ok {
				method = pd.method
				ex.answered(string(m.ID), m)
			}
		}
		if !p.filtering || m.Result == nil {
			return false
		}
		if method == "" {
			method = listShape(m.Result)
		}
		if _, ok := listKinds[method]; !ok {
			return false
		}
		out, changed := p.filterList(ctx, id, method, m.Result)
		if changed {
			m.Result = out
		}
		return changed
	}
}

// listShape recognises a list result by its fields, for answers whose request
// was not seen on this exchange.
func listShape(result json.RawMessage) string {
	var r map[string]json.RawMessage
	if json.Unmarshal(result, &r) != nil {
		return ""
	}
	_, content := r["content"]
	switch {
	case r["tools"] != nil && !content:
		return "tools/list"
	case r["prompts"] != nil && r["messages"] == nil:
		return "prompts/list"
	case r["resources"] != nil && r["contents"] == nil:
		return "resources/list"
	}
	return ""
}

// filterList keeps the items the caller may use, renaming and re-describing
// tools per the tool view; other fields of the result stay as they were.
func (p *policy) filterList(ctx context.Context, id *auth.Identity, method string, result json.RawMessage) (json.RawMessage, bool) {
	kind := listKinds[method]
	var res map[string]json.RawMessage
	var items []map[string]json.RawMessage
	if json.Unmarshal(result, &res) != nil || json.Unmarshal(res[kind.key], &items) != nil {
		return result, false
	}
	kept := make([]map[string]json.RawMessage, 0, len(items))
	changed := false
	for _, it := range items {
		var name, desc string
		_ = json.Unmarshal(it[kind.field], &name)
		if method == "tools/list" {
			_ = json.Unmarshal(it["description"], &desc)
			shown, d, ok := p.Tools.Show(name, desc)
			if !ok {
				continue
			}
			if shown != name {
				it["name"], _ = json.Marshal(shown)
				name, changed = shown, true
			}
			if d != desc {
				it["description"], _ = json.Marshal(d)
				changed = true
			}
		}
		if auth.Decide(ctx, p.Authorizer, id, auth.Operation{Action: kind.action, Resource: name}).Allowed {
			kept = append(kept, it)
		}
	}
	if !changed && len(kept) == len(items) {
		return result, false
	}
	res[kind.key], _ = json.Marshal(kept)
	out, err := json.Marshal(res)
	if err != nil {
		return result, false
	}
	return out, true
}
