package gateway

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// sessionTracker knows, for every session-based client session, who owns it and
// when it was last used. It binds a session to the identity that opened it (a
// request carrying another identity's session id gets 404, as for an unknown
// session) and expires idle sessions itself, because requests served by the
// fast path never reach the SDK's own idle timer.
//
// It watches for ended sessions without a goroutine per session (at 10,000
// idle sessions two waiting goroutines each cost ~160 MB of stacks): sweep
// compares the attached sessions with the server's live ones.
type sessionTracker struct {
	mu       sync.Mutex
	sessions map[string]*tracked
	byID     map[string]*mcp.ServerSession
	// attachedAt is the attach generation of each attached session: a sweep
	// leaves alone the sessions attached after it listed the live ones.
	attachedAt map[string]uint64
	gen        uint64
	// onEnd runs once for every attached session that ended.
	onEnd func(*mcp.ServerSession)
}

type tracked struct {
	subject string // "" for anonymous
	busy    int    // requests being served
	last    time.Time
	touched time.Time // last extension of the session in shared storage
}

func subjectOf(r *http.Request) string { return subjectOfIdentity(auth.IdentityFrom(r.Context())) }

// subjectOfIdentity is the owner a session of id records ("" for anonymous).
func subjectOfIdentity(id *auth.Identity) string {
	if id != nil && !id.Anonymous {
		return id.Subject
	}
	return ""
}

// begin registers a request of session sid; ok is false when sid belongs to
// another identity. Unknown ids are left to the SDK (which answers 404).
func (t *sessionTracker) begin(sid string, r *http.Request) (end func(), ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.sessions[sid]
	if s == nil {
		return func() {}, true
	}
	if s.subject != subjectOf(r) {
		return nil, false
	}
	if r.Method != http.MethodPost { // as the SDK: an open stream alone does not keep a session
		s.last = time.Now()
		return func() {}, true
	}
	s.busy++
	return func() {
		t.mu.Lock()
		s.busy--
		s.last = time.Now()
		t.mu.Unlock()
	}, true
}

// opened records the session an initialize created, owned by r's identity.
func (t *sessionTracker) opened(sid string, r *http.Request) { t.openedBy(sid, subjectOf(r)) }

// openedBy records session sid, owned by subject.
func (t *sessionTracker) openedBy(sid, subject string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sessions == nil {
		t.sessions = map[string]*tracked{}
	}
	if _, ok := t.sessions[sid]; !ok {
		now := time.Now()
		t.sessions[sid] = &tracked{subject: subject, last: now, touched: now}
	}
}

// touchDue reports whether session sid was last extended in shared storage
// more than every ago, and if so counts it as extended now.
func (t *sessionTracker) touchDue(sid string, every time.Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.sessions[sid]
	if s == nil || time.Since(s.touched) < every {
		return false
	}
	s.touched = time.Now()
	return true
}

// attach makes ss findable by its id, so the fast path can serve it. It runs
// when initialize is answered (attachMiddleware), before the client can send
// anything else: attached at notifications/initialized instead, a session's
// first request raced the SDK's asynchronous handling of that notification
// (its POST is answered 202 before the handler runs) and took the SDK path.
func (t *sessionTracker) attach(ss *mcp.ServerSession) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byID == nil {
		t.byID = map[string]*mcp.ServerSession{}
		t.attachedAt = map[string]uint64{}
	}
	if t.byID[ss.ID()] == ss {
		return
	}
	t.gen++
	t.byID[ss.ID()] = ss
	t.attachedAt[ss.ID()] = t.gen
}

// sweep forgets the attached sessions that server no longer has (closed by a
// DELETE, an expiry, the shutdown or the SDK itself) and runs onEnd for them.
func (t *sessionTracker) sweep(server *mcp.Server) {
	t.mu.Lock()
	listed := t.gen
	t.mu.Unlock()
	live := map[*mcp.ServerSession]bool{}
	for ss := range server.Sessions() {
		live[ss] = true
	}
	var ended []*mcp.ServerSession
	t.mu.Lock()
	for sid, ss := range t.byID {
		if !live[ss] && t.attachedAt[sid] <= listed {
			ended = append(ended, ss)
			delete(t.byID, sid)
			delete(t.attachedAt, sid)
			delete(t.sessions, sid)
		}
	}
	t.mu.Unlock()
	for _, ss := range ended {
		if t.onEnd != nil {
			t.onEnd(ss)
		}
	}
}

// attachMiddleware attaches every session-based client session when its
// initialize succeeds, and records it in shared storage when there is one.
func (g *Gateway) attachMiddleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		res, err := next(ctx, method, req)
		if method == "initialize" && err == nil {
			if ss, ok := req.GetSession().(*mcp.ServerSession); ok && ss.ID() != "" {
				g.tracker.attach(ss)
				if g.shared != nil {
					if err := g.saveSession(ctx, ss, res); err != nil {
						return nil, err
					}
				}
			}
		}
		return res, err
	}
}

func (t *sessionTracker) lookup(sid string) *mcp.ServerSession {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byID[sid]
}

// expire closes the sessions idle (no request in flight) for longer than idle.
func (t *sessionTracker) expire(idle time.Duration) {
	now := time.Now()
	var stale []*mcp.ServerSession
	t.mu.Lock()
	for sid, s := range t.sessions {
		if s.busy == 0 && now.Sub(s.last) > idle {
			if ss := t.byID[sid]; ss != nil {
				stale = append(stale, ss)
			}
			delete(t.sessions, sid)
		}
	}
	t.mu.Unlock()
	for _, ss := range stale {
		_ = ss.Close()
	}
}

// expireLoop runs expire and sweep every idle/4 (at least every second) until done.
func (t *sessionTracker) expireLoop(idle time.Duration, server *mcp.Server, done <-chan struct{}) {
	tick := time.NewTicker(min(max(idle/4, 10*time.Millisecond), time.Second))
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			t.expire(idle)
			t.sweep(server)
		}
	}
}

// sessionIDRecorder captures the Mcp-Session-Id an initialize answer sets.
type sessionIDRecorder struct {
	http.ResponseWriter
	t *sessionTracker
	r *http.Request
}

func (w *sessionIDRecorder) WriteHeader(code int) {
	if sid := w.Header().Get("Mcp-Session-Id"); sid != "" && code < 300 {
		w.t.opened(sid, w.r)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *sessionIDRecorder) Write(p []byte) (int, error) {
	if sid := w.Header().Get("Mcp-Session-Id"); sid != "" {
		w.t.opened(sid, w.r) // idempotent; covers a handler that never calls WriteHeader
	}
	return w.ResponseWriter.Write(p)
}

func (w *sessionIDRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *sessionIDRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
