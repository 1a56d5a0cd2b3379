package streamable

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/proxy/bridge"
)

// SessionHeader carries the MCP session id.
const SessionHeader = "Mcp-Session-Id"

// Options configure a Handler.
type Options struct {
	// IdleTimeout closes sessions with no request and no open stream for this long (default 30m).
	IdleTimeout time.Duration
	// KeepAlive is the interval of SSE comment pings on open streams (default 25s).
	KeepAlive time.Duration
	// Logger (nil = none).
	Logger *zap.Logger
	// ReadTimeout, when positive, bounds the wait for the server's next message about a
	// POST's requests (MCPServer spec.proxyReadTimeout); requests still open then are
	// answered with a JSON-RPC error and cancelled at the server.
	ReadTimeout time.Duration
}

// CodeTimeout is the JSON-RPC error code of a request the server did not answer within
// ReadTimeout.
const CodeTimeout = -32001

// Handler is the Streamable HTTP endpoint for one bridge.
type Handler struct {
	b    *bridge.Bridge
	opts Options
	log  *zap.Logger

	mu       sync.Mutex
	sessions map[string]*session
}

// New returns a Handler; Run reaps idle sessions until ctx ends.
func New(b *bridge.Bridge, opts Options) *Handler {
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 30 * time.Minute
	}
	if opts.KeepAlive <= 0 {
		opts.KeepAlive = 25 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &Handler{b: b, opts: opts, log: log, sessions: map[string]*session{}}
}

// session is one HTTP session.
type session struct {
	id string
	bs *bridge.Session

	mu         sync.Mutex
	waiters    map[string]*bridge.Queue // client request id -> the POST stream waiting for it
	standalone *bridge.Queue            // messages for the GET stream
	stopGet    context.CancelFunc       // ends the current GET stream
	lastUsed   time.Time
	busy       int // open HTTP requests
}

func (s *session) deliver(d bridge.Delivery) {
	s.mu.Lock()
	w := s.waiters[d.Request]
	s.mu.Unlock()
	switch {
	case d.Request != "" && w != nil:
		w.Put(d)
	case d.Final:
		// Nobody waits for this answer any more (the POST went away).
	default:
		s.standalone.Put(d)
	}
}

func (s *session) touch(delta int) {
	s.mu.Lock()
	s.busy += delta
	s.lastUsed = time.Now()
	s.mu.Unlock()
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		h.post(w, r)
	case http.MethodGet:
		h.get(w, r)
	case http.MethodDelete:
		h.delete(w, r)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (h *Handler) lookup(w http.ResponseWriter, r *http.Request) *session {
	id := r.Header.Get(SessionHeader)
	if id == "" {
		http.Error(w, "missing "+SessionHeader+" header: initialize a session first", http.StatusBadRequest)
		return nil
	}
	h.mu.Lock()
	s := h.sessions[id]
	h.mu.Unlock()
	if s == nil {
		http.Error(w, "session not found (expired or deleted): initialize a new session", http.StatusNotFound)
	}
	return s
}

func (h *Handler) newSession() *session {
	s := &session{id: newID(), waiters: map[string]*bridge.Queue{}, standalone: bridge.NewQueue(1000), lastUsed: time.Now()}
	s.bs = h.b.NewSession(s.deliver)
	h.mu.Lock()
	h.sessions[s.id] = s
	h.mu.Unlock()
	return s
}

func (h *Handler) closeSession(s *session) {
	h.mu.Lock()
	delete(h.sessions, s.id)
	h.mu.Unlock()
	s.bs.Close()
	s.mu.Lock()
	if s.stopGet != nil {
		s.stopGet()
	}
	s.mu.Unlock()
	s.standalone.Close()
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		http.Error(w, "Content-Type must be application/json", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	msgs, err := bridge.SplitBatch(body)
	if err != nil {
		writeParseError(w, err)
		return
	}
	infos := make([]bridge.Info, len(msgs))
	for i, m := range msgs {
		if infos[i], err = bridge.Inspect(m); err != nil {
			writeParseError(w, err)
			return
		}
	}
	s, ok := h.sessionFor(w, r, infos)
	if !ok {
		return
	}
	s.touch(1)
	defer s.touch(-1)

	var ids []string
	q := bridge.NewQueue(0)
	s.mu.Lock()
	for _, in := range infos {
		if in.IsRequest() {
			ids = append(ids, in.ID)
			s.waiters[in.ID] = q
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		for _, id := range ids {
			if s.waiters[id] == q {
				delete(s.waiters, id)
			}
		}
		s.mu.Unlock()
	}()
	for _, m := range msgs {
		if err := s.bs.Handle(r.Context(), m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	if len(ids) == 0 {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	w.Header().Set(SessionHeader, s.id)
	if acceptsSSE(r) {
		h.streamAnswers(w, r, s, q, ids)
	} else {
		h.jsonAnswers(w, r, s, q, ids, len(msgs) > 1)
	}
}

// sessionFor finds the request's session, or creates one for an initialize request.
func (h *Handler) sessionFor(w http.ResponseWriter, r *http.Request, infos []bridge.Info) (*session, bool) {
	if r.Header.Get(SessionHeader) != "" {
		s := h.lookup(w, r)
		return s, s != nil
	}
	if len(infos) != 1 || infos[0].Method != "initialize" || !infos[0].IsRequest() {
		http.Error(w, "missing "+SessionHeader+" header: the first request of a session must be initialize", http.StatusBadRequest)
		return nil, false
	}
	return h.newSession(), true
}

// streamAnswers writes the answers (and related messages) as server-sent events
// until every request of the POST is answered.
func (h *Handler) streamAnswers(w http.ResponseWriter, r *http.Request, s *session, q *bridge.Queue, ids []string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	// The headers go out with the first event, and the last answer with the end of the
	// response: one write per call instead of three. Messages before the last answer
	// (progress, server requests) and keep-alives are flushed at once.
	w.WriteHeader(http.StatusOK)
	open := openSet(ids)
	for len(open) > 0 {
		d, ok, timedOut := h.next(r.Context(), w, q, h.opts.ReadTimeout)
		if timedOut {
			for _, m := range h.timeouts(s, open) {
				_, _ = fmt.Fprintf(w, "event: message\ndata: %s\n\n", m)
			}
			return
		}
		if !ok {
			h.cancelOpen(s, ids)
			return
		}
		if _, err := fmt.Fprintf(w, "event: message\ndata: %s\n\n", d.Msg); err != nil {
			h.cancelOpen(s, ids)
			return
		}
		if d.Final {
			delete(open, d.Request)
		}
		if len(open) > 0 {
			flush(w)
		}
	}
}

// next waits for a delivery, sending keep-alive comments to w (when not nil)
// meanwhile; timedOut says timeout (when positive) passed without one.
func (h *Handler) next(ctx context.Context, w http.ResponseWriter, q *bridge.Queue, timeout time.Duration) (d bridge.Delivery, ok, timedOut bool) {
	end := time.Now().Add(timeout)
	for {
		wait := h.opts.KeepAlive
		if timeout > 0 {
			wait = min(wait, time.Until(end))
		}
		kctx, cancel := context.WithTimeout(ctx, wait)
		d, ok := q.Get(kctx)
		cancel()
		if ok || ctx.Err() != nil {
			return d, ok, false
		}
		if timeout > 0 && !time.Now().Before(end) {
			return d, false, true
		}
		if w == nil {
			continue
		}
		if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
			return d, false, false
		}
		flush(w)
	}
}

// jsonAnswers waits for every answer and writes them as one JSON body; other
// messages meanwhile go to the standalone stream.
func (h *Handler) jsonAnswers(w http.ResponseWriter, r *http.Request, s *session, q *bridge.Queue, ids []string, batch bool) {
	var answers [][]byte
	open := openSet(ids)
	for len(open) > 0 {
		d, ok, timedOut := h.next(r.Context(), nil, q, h.opts.ReadTimeout)
		if timedOut {
			answers = append(answers, h.timeouts(s, open)...)
			break
		}
		if !ok {
			h.cancelOpen(s, ids)
			return
		}
		if !d.Final {
			s.standalone.Put(d)
			continue
		}
		delete(open, d.Request)
		answers = append(answers, d.Msg)
	}
	w.Header().Set("Content-Type", "application/json")
	if !batch {
		_, _ = w.Write(answers[0])
		return
	}
	_, _ = io.WriteString(w, "["+string(joinBytes(answers))+"]")
}

func openSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// timeouts cancels the open requests at the server and returns their error answers.
func (h *Handler) timeouts(s *session, open map[string]bool) [][]byte {
	ids := make([]string, 0, len(open))
	for id := range open {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	h.cancelOpen(s, ids)
	out := make([][]byte, 0, len(ids))
	for _, id := range ids {
		out = append(out, fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"error":{"code":%d,"message":"the MCP server sent nothing for %s (proxyReadTimeout)"}}`,
			id, CodeTimeout, h.opts.ReadTimeout))
	}
	return out
}

// cancelOpen tells the server the client gave up on requests still unanswered.
func (h *Handler) cancelOpen(s *session, ids []string) {
	for _, id := range ids {
		s.mu.Lock()
		_, open := s.waiters[id]
		s.mu.Unlock()
		if open {
			_ = s.bs.Handle(context.Background(), []byte(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":`+id+`,"reason":"HTTP request closed"}}`))
		}
	}
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		http.Error(w, "Accept must include text/event-stream for GET", http.StatusNotAcceptable)
		return
	}
	s := h.lookup(w, r)
	if s == nil {
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s.mu.Lock()
	if s.stopGet != nil {
		// A client that reconnects its stream replaces the old one.
		s.stopGet()
	}
	s.stopGet = cancel
	s.mu.Unlock()
	s.touch(1)
	defer s.touch(-1)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set(SessionHeader, s.id)
	w.WriteHeader(http.StatusOK)
	flush(w)
	for {
		d, ok, _ := h.next(ctx, w, s.standalone, 0) // a standalone stream has no request to time out
		if !ok {
			return
		}
		if _, err := fmt.Fprintf(w, "event: message\ndata: %s\n\n", d.Msg); err != nil {
			return
		}
		flush(w)
	}
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request) {
	s := h.lookup(w, r)
	if s == nil {
		return
	}
	h.closeSession(s)
	w.WriteHeader(http.StatusNoContent)
}

// Run closes idle sessions until ctx ends, then ends the standalone GET streams
// (they would otherwise hold a graceful shutdown open); POSTs in flight finish.
func (h *Handler) Run(ctx context.Context) {
	t := time.NewTicker(h.opts.IdleTimeout / 4)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			for _, s := range h.all() {
				s.mu.Lock()
				if s.stopGet != nil {
					s.stopGet()
				}
				s.mu.Unlock()
			}
			return
		case <-t.C:
			for _, s := range h.all() {
				s.mu.Lock()
				idle := s.busy == 0 && time.Since(s.lastUsed) > h.opts.IdleTimeout
				s.mu.Unlock()
				if idle {
					h.log.Info("Closing idle session", zap.String("session", s.id))
					h.closeSession(s)
				}
			}
		}
	}
}

// CloseAll ends every session.
func (h *Handler) CloseAll() {
	for _, s := range h.all() {
		h.closeSession(s)
	}
}

// Sessions returns the number of open sessions.
func (h *Handler) Sessions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sessions)
}

func (h *Handler) all() []*session {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*session, 0, len(h.sessions))
	for _, s := range h.sessions {
		out = append(out, s)
	}
	return out
}

func acceptsSSE(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

func flush(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
}

func writeParseError(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	msg, _ := jsonString(err.Error())
	_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":`+msg+`}}`)
}

func joinBytes(parts [][]byte) []byte {
	var out []byte
	for i, p := range parts {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, p...)
	}
	return out
}
