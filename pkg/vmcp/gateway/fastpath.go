package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
)

// The fast path forwards a session's tools/call, prompts/get and resources/read
// to a Streamable HTTP backend as bytes: it reads only the method, id and tool or
// prompt name (or resource URI), rewrites the id (unique on the backend session)
// and, when the name is exposed differently (prefix, override), the name, and
// passes the backend's answer and notifications through unchanged. Decoding
// every message with the SDK cost ~360 KB of allocations per call (a 32 KB
// buffer per SDK json.Unmarshal). Server-to-client requests in the answer's
// stream are answered through the client's session (its standalone stream) and
// the answer posted back to the backend. Anything the fast path does not cover
// (Cedar policies, composite tools, stdio/SSE/shared backends, errors before
// the backend accepted the call) takes the SDK path.

// memBody is a request body held in memory by liftReadDeadline.
type memBody struct {
	*bytes.Reader
	data []byte
}

func (*memBody) Close() error { return nil }

var fastSeq atomic.Uint64

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}

// callShape is what the fast path reads of a request.
type callShape struct {
	method             string
	idStart, idEnd     int
	nameStart, nameEnd int
	name               string
	requestID          []byte // notifications/cancelled: params.requestId
	uri                string // resources/read: params.uri
	cursor             string // tools/list: params.cursor
}

// parseCall reads method, id, params.name and params.requestId of a JSON-RPC
// message, with their byte ranges.
func parseCall(body []byte) (callShape, bool) {
	var c callShape
	start, end, ok := member(body, "method")
	if !ok {
		return c, false
	}
	if c.method, ok = unquote(body[start:end]); !ok {
		return c, false
	}
	c.idStart, c.idEnd, _ = member(body, "id")
	ps, pe, ok := member(body, "params")
	if !ok {
		return c, true
	}
	params := body[ps:pe]
	if s, e, ok := member(params, "name"); ok {
		if c.name, ok = unquote(params[s:e]); ok {
			c.nameStart, c.nameEnd = ps+s, ps+e
		}
	}
	if s, e, ok := member(params, "requestId"); ok {
		c.requestID = params[s:e]
	}
	switch c.method {
	case "resources/read":
		if s, e, ok := member(params, "uri"); ok {
			c.uri, _ = unquote(params[s:e])
		}
	case "tools/list":
		if s, e, ok := member(params, "cursor"); ok {
			var valid bool
			if c.cursor, valid = unquote(params[s:e]); !valid && string(params[s:e]) != "null" {
				c.cursor = "\x00" // not a cursor of the cache: the SDK path answers the error
			}
		}
	}
	return c, true
}

// unquote returns the text of a JSON string.
func unquote(raw []byte) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// member returns the byte range of the value of a top-level member of a JSON
// object. It scans without allocating (the fast path's budget); keys are
// compared as written, so a key spelled with escapes is not found (the SDK path
// then serves the request).
func member(body []byte, key string) (start, end int, ok bool) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return 0, 0, false
	}
	i = skipSpace(body, i+1)
	for i < len(body) && body[i] == '"' {
		ke, ok := stringEnd(body, i)
		if !ok {
			return 0, 0, false
		}
		k := body[i+1 : ke-1]
		i = skipSpace(body, ke)
		if i >= len(body) || body[i] != ':' {
			return 0, 0, false
		}
		vs := skipSpace(body, i+1)
		ve, ok := valueEnd(body, vs)
		if !ok {
			return 0, 0, false
		}
		if string(k) == key {
			return vs, ve, true
		}
		i = skipSpace(body, ve)
		if i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	return 0, 0, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string starting at b[i] == '"'.
func stringEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// valueEnd returns the index after the JSON value starting at b[i].
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	default: // number, true, false, null
		j := i
		for j < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[j])) {
			j++
		}
		return j, j > i
	}
}

// fastCalls are the fast-path calls in flight, by session and client id, so a
// client's notifications/cancelled reaches them.
type fastCalls struct{ m sync.Map }

func callKey(sid string, id []byte) string { return sid + "\x00" + string(id) }

// fastPath serves r when it can and reports whether it did.
func (g *Gateway) fastPath(w http.ResponseWriter, r *http.Request, sid string) bool {
	mb, ok := r.Body.(*memBody)
	if !ok {
		return false
	}
	if _, all := g.authz.(auth.AllowAll); !all {
		return false // Cedar sees the arguments: the SDK path decodes them
	}
	shape, ok := parseCall(mb.data)
	if !ok {
		return false
	}
	switch shape.method {
	case "notifications/cancelled":
		if v, ok := g.fast.m.Load(callKey(sid, shape.requestID)); ok && shape.requestID != nil {
			v.(context.CancelFunc)()
			w.WriteHeader(http.StatusAccepted)
			return true
		}
		return false
	}
	ss := g.tracker.lookup(sid)
	if shape.method == "tools/list" {
		return ss != nil && g.serveToolList(w, mb.data, shape)
	}
	backendName, original, ok := g.fastRoute(shape)
	if ss == nil || !ok || shape.idEnd == 0 {
		return false
	}
	b := g.backend(backendName)
	if b == nil || b.def.Transport != config.TransportStreamableHTTP ||
		b.tracker.State().Status == health.StatusUnavailable || b.breaker.State() != health.CircuitClosed {
		return false
	}
	c, drop, err := g.connFor(r.Context(), ss, b)
	if err != nil || c.owner != ss {
		return false
	}
	return g.send(w, r, fastRequest{body: mb.data, shape: shape, msg: mb.data, msgShape: shape, original: original, sid: sid}, b, c, drop)
}

// fastRoute finds the backend of a hot method's request and the backend's own
// name for the tool or prompt.
func (g *Gateway) fastRoute(shape callShape) (backend, original string, ok bool) {
	rt := g.routes.Load()
	switch shape.method {
	case "tools/call":
		t, ok := rt.tools[shape.name]
		return t.Backend, t.Original, ok && shape.nameEnd > 0
	case "prompts/get":
		p, ok := rt.prompts[shape.name]
		return p.Backend, p.Original, ok && shape.nameEnd > 0
	case "resources/read":
		if shape.uri == "" {
			return "", "", false
		}
		b, ok := g.resourceBackend(shape.uri)
		return b, "", ok
	}
	return "", "", false
}

// fastRequest is one client request on the fast path.
type fastRequest struct {
	body  []byte    // the client's message
	shape callShape // what parseCall read of body
	// msg is the message for the backend before its id is replaced (msgShape
	// locates it) and, when original is set, its name.
	msg      []byte
	msgShape callShape
	original string
	sid      string // the client session; "" for the stateless protocol
	// annotate rewrites the answer (carrying the client's id) for the client; nil leaves it.
	annotate func([]byte) []byte
}

// send sends the call to the backend and relays its answer.
func (g *Gateway) send(w http.ResponseWriter, r *http.Request, fr fastRequest, b *backendState, c *conn, drop func()) bool {
	token := strconv.AppendUint([]byte(`"vmcp-fp-`), fastSeq.Add(1), 10)
	token = append(token, '"')
	out := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(out)
	out.Reset()
	spliceCall(out, fr.msg, fr.msgShape, token, fr.original)
	shape, clientID := fr.shape, fr.body[fr.shape.idStart:fr.shape.idEnd]

	ctx, cancel := detached(r.Context(), b.timeout)
	defer cancel()
	if fr.sid != "" {
		key := callKey(fr.sid, clientID)
		g.fast.m.Store(key, context.CancelFunc(cancel))
		defer g.fast.m.Delete(key)
	}
	start := timeNow()
	resp, err := g.post(ctx, b, c, out.Bytes())
	if err != nil && ctx.Err() != nil {
		// Cancelled (client gone or timeout) while the backend may already be
		// working on the call: tell it, and answer as the SDK path would.
		go g.cancelOnBackend(b, c, token)
		g.metrics.errors.WithLabelValues(b.def.Name, shape.method).Inc()
		if r.Context().Err() == nil {
			writeRPCError(w, clientID, "backend "+b.def.Name+": no answer within "+b.timeout.String())
		}
		return true
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		if resp != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusNotFound {
				drop() // the backend forgot the session: the SDK path dials a new one
			}
		}
		return false // not accepted: the SDK path retries and reports
	}
	// The rest of the stream (normally just its end) is drained, so the
	// connection goes back to the pool: closing it early would make every call
	// open a new TCP connection to the backend.
	// (Deferred after cancel, so it runs first; a backend that keeps the stream
	// open after the answer loses its connection after a second.)
	defer func() {
		t := time.AfterFunc(time.Second, func() { _ = resp.Body.Close() })
		drain(resp.Body)
		t.Stop()
	}()
	ok := g.relay(w, r, resp, token, clientID, fr.annotate, b, c)
	if !ok && ctx.Err() != nil {
		go g.cancelOnBackend(b, c, token)
	}
	m := g.metrics
	m.requests.WithLabelValues(b.def.Name, shape.method).Inc()
	m.latency.WithLabelValues(b.def.Name, shape.method).Observe(time.Since(start).Seconds())
	b.breaker.Record(ok || r.Context().Err() != nil)
	if !ok {
		m.errors.WithLabelValues(b.def.Name, shape.method).Inc()
	}
	return true
}

// drain reads a response body to its end and closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, body)
	_ = body.Close()
}

// spliceCall writes body with the id replaced by token and, when it differs,
// the tool name by original.
func spliceCall(out *bytes.Buffer, body []byte, s callShape, token []byte, original string) {
	type edit struct {
		start, end int
		with       []byte
	}
	edits := []edit{{s.idStart, s.idEnd, token}}
	if s.nameEnd > 0 && original != "" && original != s.name {
		q, _ := json.Marshal(original)
		edits = append(edits, edit{s.nameStart, s.nameEnd, q})
		if edits[1].start < edits[0].start {
			edits[0], edits[1] = edits[1], edits[0]
		}
	}
	at := 0
	for _, e := range edits {
		out.Write(body[at:e.start])
		out.Write(e.with)
		at = e.end
	}
	out.Write(body[at:])
}

// post sends one JSON-RPC message on c's backend session.
func (g *Gateway) post(ctx context.Context, b *backendState, c *conn, msg []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.def.URL, bytes.NewReader(msg))
	if err != nil {
		return nil, err
	}
	h := req.Header
	h["Content-Type"] = []string{"application/json"}
	h["Accept"] = []string{"application/json, text/event-stream"}
	h["Mcp-Session-Id"] = []string{c.cs.ID()}
	if res := c.cs.InitializeResult(); res != nil {
		h[protocolHeader] = []string{res.ProtocolVersion}
	}
	return b.hc.Do(req)
}

// relay copies the backend's answer to the client with the client's id; it
// reports whether the answer arrived.
func (g *Gateway) relay(w http.ResponseWriter, r *http.Request, resp *http.Response, token, clientID []byte,
	annotate func([]byte) []byte, b *backendState, c *conn) bool {
	if annotate == nil {
		annotate = func(data []byte) []byte { return data }
	}
	if ct := resp.Header.Get("Content-Type"); len(ct) < 17 || ct[:17] != "text/event-stream" {
		buf := bufPool.Get().(*bytes.Buffer)
		defer bufPool.Put(buf)
		buf.Reset()
		if _, err := buf.ReadFrom(resp.Body); err != nil {
			writeRPCError(w, clientID, "backend "+b.def.Name+": "+err.Error())
			return false
		}
		data := annotate(replaceOnce(buf.Bytes(), token, clientID))
		w.Header()["Content-Type"] = []string{"application/json"}
		_, _ = w.Write(data)
		return true
	}
	wh := w.Header()
	wh["Content-Type"] = []string{"text/event-stream"}
	wh["Cache-Control"] = []string{"no-cache"}
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(resp.Body)
	defer func() { br.Reset(nil); readerPool.Put(br) }()
	out := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(out)
	for {
		data, err := readEvent(br)
		if err != nil {
			if r.Context().Err() == nil {
				writeSSE(w, out, rpcError(clientID, "backend "+b.def.Name+": the answer stream ended: "+err.Error()))
			}
			return false
		}
		if data == nil {
			continue
		}
		if isAnswer(data, token) {
			writeSSE(w, out, annotate(replaceOnce(data, token, clientID)))
			if flusher != nil {
				flusher.Flush()
			}
			return true
		}
		if g.passThrough(c, b, data) {
			writeSSE(w, out, data)
			if flusher != nil {
				flusher.Flush()
			}
		}
	}
}

// isAnswer reports whether data is the answer to the call sent with id token.
func isAnswer(data, token []byte) bool {
	if _, _, ok := member(data, "method"); ok {
		return false
	}
	s, e, ok := member(data, "id")
	return ok && bytes.Equal(data[s:e], token)
}

// readEvent returns the data of the next SSE event (nil for an event without data).
func readEvent(br *bufio.Reader) ([]byte, error) {
	var data []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // a long line: collect it whole
			rest, err2 := br.ReadBytes('\n')
			line, err = append(append([]byte(nil), line...), rest...), err2
		}
		if err != nil {
			return nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			return data, nil
		}
		if v, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			v = bytes.TrimPrefix(v, []byte(" "))
			if data != nil {
				data = append(data, '\n')
			}
			data = append(data, v...)
		}
	}
}

func writeSSE(w io.Writer, out *bytes.Buffer, data []byte) {
	out.Reset()
	out.WriteString("event: message\ndata: ")
	out.Write(data)
	out.WriteString("\n\n")
	_, _ = w.Write(out.Bytes())
}

func replaceOnce(data, token, with []byte) []byte {
	i := bytes.Index(data, token)
	if i < 0 {
		return data
	}
	out := make([]byte, 0, len(data)-len(token)+len(with))
	return append(append(append(out, data[:i]...), with...), data[i+len(token):]...)
}

func rpcError(id []byte, msg string) []byte {
	m, _ := json.Marshal(msg)
	return []byte(`{"jsonrpc":"2.0","id":` + string(id) + `,"error":{"code":-32603,"message":` + string(m) + `}}`)
}

func writeRPCError(w http.ResponseWriter, id []byte, msg string) {
	w.Header()["Content-Type"] = []string{"application/json"}
	_, _ = w.Write(rpcError(id, msg))
}

// eventShape is what passThrough reads of a message from the backend.
type eventShape struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params struct {
		Level mcp.LoggingLevel `json:"level"`
	} `json:"params"`
}

// passThrough decides about one message of the answer stream that is not the
// answer: notifications pass to the client (log messages at the client's
// level), list changes are vmcp's to announce, requests are answered through the
// client's session.
func (g *Gateway) passThrough(c *conn, b *backendState, data []byte) bool {
	var e eventShape
	if json.Unmarshal(data, &e) != nil || e.Method == "" {
		return false
	}
	switch {
	case len(e.ID) > 0:
		go g.answerBackend(c, b, e.Method, append([]byte(nil), data...))
		return false
	case e.Method == "notifications/message":
		return c.owner != nil && g.levels.admits(c.owner, e.Params.Level)
	case e.Method == "notifications/tools/list_changed", e.Method == "notifications/prompts/list_changed",
		e.Method == "notifications/resources/list_changed":
		return false // the backend's own lists, not vmcp's: rediscovery follows the shared session's
	case e.Method == "notifications/cancelled":
		return false // cancels a request of the backend's own, whose id the client never saw
	}
	return true
}

// answerBackend answers a backend's request through the client's session and
// posts the answer back on the backend session.
func (g *Gateway) answerBackend(c *conn, b *backendState, method string, data []byte) {
	var msg struct {
		ID     json.RawMessage `json:"id"`
		Params json.RawMessage `json:"params"`
	}
	_ = json.Unmarshal(data, &msg)
	ctx, cancel := context.WithTimeout(g.ctx, b.timeout)
	defer cancel()
	ss := c.owner
	caps := &mcp.ClientCapabilities{} // a shared session's requests have nobody to answer them
	if ss != nil {
		caps = declaredCapabilities(ss)
	}
	var res any
	var err error
	switch {
	case method == "sampling/createMessage" && caps.Sampling != nil:
		var p mcp.CreateMessageParams
		if err = json.Unmarshal(msg.Params, &p); err == nil {
			res, err = ss.CreateMessage(ctx, &p)
		}
	case method == "elicitation/create" && caps.Elicitation != nil:
		var p mcp.ElicitParams
		if err = json.Unmarshal(msg.Params, &p); err == nil {
			res, err = ss.Elicit(ctx, &p)
		}
	case method == "roots/list" && caps.RootsV2 != nil:
		res, err = ss.ListRoots(ctx, nil)
	case method == "ping" && ss != nil:
		res, err = struct{}{}, ss.Ping(ctx, nil)
	default:
		err = &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: "the client does not support " + method}
	}
	answer := map[string]any{"jsonrpc": "2.0", "id": msg.ID}
	var rpcErr *jsonrpc.Error
	switch {
	case err == nil:
		answer["result"] = res
	case errors.As(err, &rpcErr):
		answer["error"] = rpcErr
	default:
		answer["error"] = &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: err.Error()}
	}
	body, _ := json.Marshal(answer)
	if resp, err := g.post(ctx, b, c, body); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// cancelOnBackend tells the backend that the client gave up on a call.
func (g *Gateway) cancelOnBackend(b *backendState, c *conn, token []byte) {
	ctx, cancel := context.WithTimeout(g.ctx, 5*time.Second)
	defer cancel()
	msg := []byte(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":` + string(token) + `,"reason":"the client cancelled the call"}}`)
	if resp, err := g.post(ctx, b, c, msg); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// logLevels are the levels client sessions set with logging/setLevel.
type logLevels struct{ m sync.Map }

var levelRank = map[mcp.LoggingLevel]int{"debug": 0, "info": 1, "notice": 2, "warning": 3, "error": 4,
	"critical": 5, "alert": 6, "emergency": 7}

// admits reports whether ss asked for messages of level (no level set: none, as the SDK).
func (l *logLevels) admits(ss *mcp.ServerSession, level mcp.LoggingLevel) bool {
	v, ok := l.m.Load(ss)
	if !ok {
		return false
	}
	return levelRank[level] >= levelRank[v.(mcp.LoggingLevel)]
}

// levelMiddleware remembers each session's logging/setLevel.
func (g *Gateway) levelMiddleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		res, err := next(ctx, method, req)
		if method == "logging/setLevel" && err == nil {
			if p, ok := req.GetParams().(*mcp.SetLoggingLevelParams); ok && req.GetSession() != nil {
				ss, _ := req.GetSession().(*mcp.ServerSession)
				if ss != nil && ss.ID() != "" { // a stateless session lives for one request
					g.levels.m.Store(ss, p.Level) // deleted when the session ends (sessionTracker.onEnd)
					if g.shared != nil {
						go g.saveLevel(ss.ID(), p.Level)
					}
				}
			}
		}
		return res, err
	}
}
