package legacysse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/proxy/bridge"
)

// MessagesPath is where clients POST their messages.
const MessagesPath = "/messages"

// Handler serves both the SSE stream (Stream) and the message endpoint (Messages).
type Handler struct {
	b *bridge.Bridge
	// KeepAlive is the interval of comment pings on open streams (default 25s).
	KeepAlive time.Duration
	// EndpointPrefix is put before MessagesPath in the endpoint event, for an ingress
	// that routes a path prefix (e.g. /team-a) to this proxy and strips it.
	EndpointPrefix string

	mu       sync.Mutex
	sessions map[string]*session
	stopped  bool
}

type session struct {
	bs *bridge.Session
	q  *bridge.Queue
}

// New returns a Handler for b.
func New(b *bridge.Bridge) *Handler {
	return &Handler{b: b, KeepAlive: 25 * time.Second, sessions: map[string]*session{}}
}

// Stream serves GET /sse: one session for as long as the stream is open.
func (h *Handler) Stream(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "use GET to open the SSE stream", http.StatusMethodNotAllowed)
		return
	}
	id := newID()
	s := &session{q: bridge.NewQueue(0)}
	s.bs = h.b.NewSession(func(d bridge.Delivery) { s.q.Put(d) })
	h.mu.Lock()
	if h.stopped {
		h.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	h.sessions[id] = s
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.sessions, id)
		h.mu.Unlock()
		s.bs.Close()
		s.q.Close()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprintf(w, "event: endpoint\ndata: %s%s?sessionId=%s\n\n", strings.TrimSuffix(h.EndpointPrefix, "/"), MessagesPath, id); err != nil {
		return
	}
	flush(w)
	for {
		kctx, cancel := context.WithTimeout(r.Context(), h.KeepAlive)
		d, ok := s.q.Get(kctx)
		cancel()
		if r.Context().Err() != nil || (!ok && h.isStopped()) {
			return
		}
		var err error
		if ok {
			_, err = fmt.Fprintf(w, "event: message\ndata: %s\n\n", d.Msg)
		} else {
			_, err = io.WriteString(w, ": keep-alive\n\n")
		}
		if err != nil {
			return
		}
		flush(w)
	}
}

// Messages serves POST /messages?sessionId=…: the answers go to the session's stream.
func (h *Handler) Messages(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "use POST to send messages", http.StatusMethodNotAllowed)
		return
	}
	id := r.URL.Query().Get("sessionId")
	if id == "" {
		id = r.URL.Query().Get("session_id")
	}
	h.mu.Lock()
	s := h.sessions[id]
	h.mu.Unlock()
	if s == nil {
		http.Error(w, "unknown sessionId: open a new stream at /sse", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	msgs, err := bridge.SplitBatch(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, m := range msgs {
		if err := s.bs.Handle(r.Context(), m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, "Accepted")
}

// Shutdown ends every open stream (the legacy transport has no other way to
// finish a session).
func (h *Handler) Shutdown() {
	h.mu.Lock()
	h.stopped = true
	all := make([]*session, 0, len(h.sessions))
	for _, s := range h.sessions {
		all = append(all, s)
	}
	h.mu.Unlock()
	for _, s := range all {
		s.q.Close()
	}
}

func (h *Handler) isStopped() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stopped
}

// Sessions returns the number of open streams.
func (h *Handler) Sessions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sessions)
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func flush(w http.ResponseWriter) { _ = http.NewResponseController(w).Flush() }
