package mcpauthz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/audit"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/mcpauthz/toolview"
)

// JSON-RPC error codes of refusals.
const (
	// CodeForbidden: the authorization policy denied the operation.
	CodeForbidden = -32001
	// CodeInvalidParams: the tool does not exist for this client (MCP uses
	// invalid params for unknown tools).
	CodeInvalidParams = -32602
)

// OperationFor maps an MCP method and its params to the operation to authorize;
// ok is false for methods that need no decision (initialize, ping, lists,
// notifications).
func OperationFor(method string, params json.RawMessage) (auth.Operation, bool) {
	var p struct {
		Name      string         `json:"name"`
		URI       string         `json:"uri"`
		Arguments map[string]any `json:"arguments"`
		Ref       *struct {
			Type string `json:"type"`
			Name string `json:"name"`
			URI  string `json:"uri"`
		} `json:"ref"`
	}
	_ = json.Unmarshal(params, &p)
	switch method {
	case "tools/call":
		return auth.Operation{Action: "call_tool", Resource: p.Name, Arguments: p.Arguments}, true
	case "resources/read", "resources/subscribe":
		return auth.Operation{Action: "read_resource", Resource: p.URI}, true
	case "prompts/get":
		return auth.Operation{Action: "get_prompt", Resource: p.Name, Arguments: p.Arguments}, true
	case "completion/complete":
		// Completions reveal a prompt's or template's argument values: the same decision
		// as getting the prompt or reading the resource.
		if p.Ref != nil && p.Ref.Type == "ref/prompt" {
			return auth.Operation{Action: "get_prompt", Resource: p.Ref.Name}, true
		}
		if p.Ref != nil && p.Ref.Type == "ref/resource" {
			return auth.Operation{Action: "read_resource", Resource: p.Ref.URI}, true
		}
	}
	return auth.Operation{}, false
}

// Options configure the middleware; the zero value changes nothing.
type Options struct {
	// Authorizer gates calls and filters lists (nil = auth.AllowAll).
	Authorizer auth.Authorizer
	// Tools is the MCPToolConfig view (nil = every tool as the server names it).
	Tools *toolview.View
	// Audit receives one event per JSON-RPC request (nil = no audit).
	Audit *audit.Logger
	// Admit, when set, sees each JSON-RPC request before authorization (the MCP
	// webhooks): it returns the request to go on with (possibly rewritten), or
	// ok=false with the JSON-RPC error code and message to refuse it with.
	Admit func(r *http.Request, msg json.RawMessage) (out json.RawMessage, code int, message string, ok bool)
}

// Middleware authorizes with az only (kept for callers that need nothing else).
func Middleware(az auth.Authorizer, next http.Handler) http.Handler {
	return New(Options{Authorizer: az})(next)
}

// New returns the middleware for o; with nothing to do it returns next itself.
func New(o Options) func(http.Handler) http.Handler {
	if o.Authorizer == nil {
		o.Authorizer = auth.AllowAll{}
	}
	_, allowAll := o.Authorizer.(auth.AllowAll)
	p := &policy{Options: o, filtering: !allowAll || o.Tools.Active(), streams: map[string]*rewriter{}}
	return func(next http.Handler) http.Handler {
		if !p.filtering && o.Audit == nil && o.Admit == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, next) })
	}
}

// policy is the configured middleware.
type policy struct {
	Options
	// filtering is true when lists may need rewriting.
	filtering bool

	mu sync.Mutex
	// streams are the open legacy SSE streams by session id.
	streams map[string]*rewriter
}

func (p *policy) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if r.Method != http.MethodPost {
		if p.filtering && r.Method == http.MethodGet {
			// An event stream may carry list answers (legacy SSE, GET streams).
			r.Header.Del("Accept-Encoding")
			p.serveStream(w, r, next)
			return
		}
		next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	msgs, batch := parse(body)
	ex := &exchange{policy: p, r: r, start: time.Now(), pending: map[string]*pending{}}
	changed := false
	var refusals []refusal
	for _, m := range msgs {
		if m.Method == "" || m.ID == nil {
			continue // notifications and answers to server requests
		}
		if ref, rewritten := ex.webhooks(m); ref != nil {
			refusals = append(refusals, *ref)
			continue
		} else if rewritten {
			changed = true
		}
		pd, ref, rewritten := ex.admit(m)
		if ref != nil {
			refusals = append(refusals, *ref)
			continue
		}
		ex.pending[string(m.ID)] = pd
		changed = changed || rewritten
	}
	if len(refusals) > 0 {
		ex.refuse(w, msgs, refusals, batch)
		return
	}
	if changed {
		body = encode(msgs, batch)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	if len(ex.pending) == 0 {
		next.ServeHTTP(w, r)
		return
	}
	r.Header.Del("Accept-Encoding") // answers must be readable to rewrite them
	rw := newRewriter(w, p.rewriteFunc(r, ex))
	next.ServeHTTP(rw, r)
	rw.finish()
	ex.unanswered()
}

// serveStream passes an event stream through the rewriter, and registers it
// when it is a legacy SSE session so refusals can be answered on it.
func (p *policy) serveStream(w http.ResponseWriter, r *http.Request, next http.Handler) {
	rw := newRewriter(w, p.rewriteFunc(r, nil))
	var session string
	rw.onEndpoint = func(id string) {
		p.mu.Lock()
		session, p.streams[id] = id, rw
		p.mu.Unlock()
	}
	defer func() {
		p.mu.Lock()
		if p.streams[session] == rw {
			delete(p.streams, session)
		}
		p.mu.Unlock()
	}()
	next.ServeHTTP(rw, r)
	rw.finish()
}

// stream returns the open legacy SSE stream of a POST's session, if any.
func (p *policy) stream(r *http.Request) *rewriter {
	id := sessionOf(r)
	if id == "" || r.Header.Get("Mcp-Session-Id") != "" {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.streams[id]
}

// pending is a forwarded request waiting for its answer.
type pending struct {
	method, target string
}

// refusal is a request answered by the middleware itself.
type refusal struct {
	id      json.RawMessage
	code    int
	message string
	outcome string
	status  int
}

// exchange is one POST: its requests and when it started.
type exchange struct {
	*policy
	r       *http.Request
	start   time.Time
	pending map[string]*pending
}

// admit checks one request; it returns what to wait for, or a refusal, and
// whether the message was rewritten (a call by a tool's new name).
func (ex *exchange) admit(m *message) (*pending, *refusal, bool) {
	op, gated := OperationFor(m.Method, m.Params)
	pd := &pending{method: m.Method, target: op.Resource}
	if !gated {
		return pd, nil, false
	}
	rewritten := false
	if m.Method == "tools/call" && ex.Tools.Active() {
		orig, ok := ex.Tools.Original(op.Resource)
		if !ok {
			return nil, ex.refused(m, pd, CodeInvalidParams, http.StatusBadRequest, audit.OutcomeNotFound,
				fmt.Sprintf("unknown tool %q", op.Resource)), false
		}
		if orig != op.Resource {
			m.Params, rewritten = setToolName(m.Params, orig), true
		}
	}
	// Policies see the name the client used: the one in its tool list.
	d := auth.Decide(ex.r.Context(), ex.Authorizer, auth.IdentityFrom(ex.r.Context()), op)
	if !d.Allowed {
		return nil, ex.refused(m, pd, CodeForbidden, http.StatusForbidden, audit.OutcomeDenied,
			fmt.Sprintf("not authorized to %s %q: %s", op.Action, op.Resource, d.Reason)), false
	}
	return pd, nil, rewritten
}

// webhooks runs Options.Admit on one request; it may replace the message in place.
func (ex *exchange) webhooks(m *message) (*refusal, bool) {
	if ex.Admit == nil {
		return nil, false
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, false
	}
	out, code, msg, ok := ex.Admit(ex.r, raw)
	if !ok {
		op, _ := OperationFor(m.Method, m.Params)
		return ex.refused(m, &pending{method: m.Method, target: op.Resource}, code, http.StatusForbidden, audit.OutcomeDenied, msg), false
	}
	if bytes.Equal(out, raw) {
		return nil, false
	}
	var next message
	if err := json.Unmarshal(out, &next); err != nil || next.Method == "" {
		return ex.refused(m, &pending{method: m.Method}, CodeInvalidParams, http.StatusBadRequest, audit.OutcomeDenied,
			"a mutating webhook produced an invalid JSON-RPC request"), false
	}
	next.ID = m.ID // the answer must match the client's request id
	*m = next
	return nil, true
}

func (ex *exchange) refused(m *message, pd *pending, code, status int, outcome, msg string) *refusal {
	ex.audit(pd.method, pd.target, outcome, msg)
	return &refusal{id: m.ID, code: code, message: msg, outcome: outcome, status: status}
}

// refuse answers the whole POST: refused requests get their error; in a batch
// the others are not forwarded either and say so.
func (ex *exchange) refuse(w http.ResponseWriter, msgs []*message, refusals []refusal, batch bool) {
	byID := map[string]refusal{}
	for _, f := range refusals {
		byID[string(f.id)] = f
	}
	var out []json.RawMessage
	for _, m := range msgs {
		if m.Method == "" || m.ID == nil {
			continue
		}
		f, ok := byID[string(m.ID)]
		if !ok {
			f = refusal{id: m.ID, code: CodeForbidden, message: "not processed: another request in the batch was refused"}
			ex.audit(m.Method, "", audit.OutcomeDenied, f.message)
		}
		out = append(out, errorResponse(f.id, f.code, f.message))
	}
	if s := ex.stream(ex.r); s != nil {
		// Legacy SSE: answers travel on the session's stream; the POST is accepted.
		for _, m := range out {
			s.inject(m)
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(refusals[0].status)
	if batch {
		b, _ := json.Marshal(out)
		_, _ = w.Write(b)
		return
	}
	_, _ = w.Write(out[0])
}

// audit writes one event for a request of this exchange.
func (ex *exchange) audit(method, target, outcome, detail string) {
	if ex.Audit == nil {
		return
	}
	ex.Audit.Log(audit.Event{
		Identity: auth.IdentityFrom(ex.r.Context()), Method: method, Target: target,
		Outcome: outcome, Detail: detail, Duration: time.Since(ex.start),
		Session: sessionOf(ex.r), Remote: ex.r.RemoteAddr,
	})
}

// answered records the answer to a pending request.
func (ex *exchange) answered(id string, m *message) {
	pd, ok := ex.pending[id]
	if !ok {
		return
	}
	delete(ex.pending, id)
	outcome, detail := audit.OutcomeSuccess, ""
	switch {
	case m.Error != nil:
		outcome, detail = audit.OutcomeError, m.Error.Message
	case pd.method == "tools/call" && isToolError(m.Result):
		outcome = audit.OutcomeToolError
	}
	ex.audit(pd.method, pd.target, outcome, detail)
}

// unanswered audits the requests whose answers did not come on this exchange.
func (ex *exchange) unanswered() {
	for _, pd := range ex.pending {
		ex.audit(pd.method, pd.target, audit.OutcomeNoResponse, "")
	}
}

// sessionOf returns the Streamable HTTP session id or the legacy SSE session query.
func sessionOf(r *http.Request) string {
	if s := r.Header.Get("Mcp-Session-Id"); s != "" {
		return s
	}
	if s := r.URL.Query().Get("session_id"); s != "" {
		return s
	}
	return r.URL.Query().Get("sessionId")
}
