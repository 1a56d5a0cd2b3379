package gateway

import (
	"context"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/sessionstore"
)

// Shared sessions (sessionStorage provider redis): every session-based client
// session is recorded in Redis when its initialize is answered. A replica that
// gets a request for a session it does not hold (started on another replica,
// or before a restart) takes it over: it loads the record, checks that the
// request comes from the identity that opened the session, and connects a new
// SDK session with the recorded handshake state under the same id. Its backend
// sessions are opened on first use, as for any session. A DELETE removes the
// record and is announced to every replica, which closes its copy; idle expiry
// stays local (the record outlives it while any replica uses the session).

// sharedSessions is the gateway's side of shared session storage.
type sharedSessions struct {
	store *sessionstore.Store
	// touchEvery is how often a replica extends the life of a session it serves.
	touchEvery time.Duration
	// mu serialises take-overs, so that two requests of one session create one copy.
	mu sync.Mutex
	// transports are the taken-over sessions' transports, by session id: the
	// SDK's handler knows only the sessions it created.
	transports sync.Map
}

// sessionTTL is how long a record lives after it was last saved or touched:
// the idle timeout plus the touch interval, so that a session in use never
// expires (24h when sessions never idle out).
func sessionTTL(idle time.Duration) time.Duration {
	if idle <= 0 {
		return 24 * time.Hour
	}
	return idle + idle/4
}

// newShared opens the session store of c, or returns nil for memory storage.
func newShared(c *config.Config, idle time.Duration) (*sharedSessions, error) {
	if !c.SessionStorage.Shared() {
		return nil, nil
	}
	st, err := sessionstore.Open(c.SessionStorage, os.Getenv(config.SessionRedisPasswordEnv), sessionTTL(idle))
	if err != nil {
		return nil, err
	}
	every := idle / 4
	if every <= 0 {
		every = time.Hour
	}
	return &sharedSessions{store: st, touchEvery: every}, nil
}

// subscribeDeletions closes this replica's copy of every session a client
// deleted on another replica; it retries until Redis answers.
func (g *Gateway) subscribeDeletions() {
	for {
		err := g.shared.store.Deleted(g.ctx, func(sid string) {
			if ss := g.tracker.lookup(sid); ss != nil {
				_ = ss.Close()
			}
		})
		if err == nil {
			return
		}
		g.log.Warn("Session storage: cannot subscribe to session deletions, retrying", zap.Error(err))
		select {
		case <-g.ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

// saveSession records a session whose initialize succeeded.
func (g *Gateway) saveSession(ctx context.Context, ss *mcp.ServerSession, res mcp.Result) error {
	state := &mcp.ServerSessionState{InitializeParams: ss.InitializeParams(), InitializedParams: &mcp.InitializedParams{}}
	if r, ok := res.(*mcp.InitializeResult); ok {
		state.NegotiatedProtocolVersion = r.ProtocolVersion
	}
	rec := &sessionstore.Record{Subject: subjectOfIdentity(auth.IdentityFrom(ctx)), State: state}
	return g.shared.store.Save(ctx, ss.ID(), rec)
}

// saveLevel records a session's logging/setLevel, so that a replica taking the
// session over relays log messages at the level the client asked for.
func (g *Gateway) saveLevel(sid string, level mcp.LoggingLevel) {
	ctx, cancel := context.WithTimeout(g.ctx, 5*time.Second)
	defer cancel()
	rec, err := g.shared.store.Load(ctx, sid)
	if err == nil && rec != nil {
		rec.State.LogLevel = level
		err = g.shared.store.Save(ctx, sid, rec)
	}
	if err != nil {
		g.log.Warn("Session storage: cannot record the log level", zap.String("session", sid), zap.Error(err))
	}
}

// takeOver makes session sid, which this replica does not hold, one of its
// sessions when the store has it. It reports false when it answered the request
// itself (another identity's session: 404; storage unreachable: 503); an id the
// store does not know is left to the SDK, which answers 404.
func (g *Gateway) takeOver(w http.ResponseWriter, r *http.Request, sid string) bool {
	sh := g.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if g.tracker.lookup(sid) != nil {
		return true // taken over by a concurrent request
	}
	rec, err := sh.store.Load(r.Context(), sid)
	if err != nil {
		g.log.Warn("Session storage: cannot load a session", zap.String("session", sid), zap.Error(err))
		http.Error(w, "vmcp: the session storage is unreachable: "+err.Error(), http.StatusServiceUnavailable)
		return false
	}
	if rec == nil {
		return true
	}
	if rec.Subject != subjectOf(r) {
		http.Error(w, "session not found", http.StatusNotFound)
		return false
	}
	t := &mcp.StreamableServerTransport{SessionID: sid}
	ss, err := g.server.Connect(context.WithoutCancel(r.Context()), t, &mcp.ServerSessionOptions{State: rec.State})
	if err != nil {
		http.Error(w, "vmcp: resuming the session: "+err.Error(), http.StatusInternalServerError)
		return false
	}
	sh.transports.Store(sid, t)
	g.tracker.attach(ss)
	g.tracker.openedBy(sid, rec.Subject)
	if rec.State.LogLevel != "" {
		g.levels.m.Store(ss, rec.State.LogLevel)
	}
	g.metrics.takenOver.Inc() // transports and levels are cleaned up by sessionTracker.onEnd
	return true
}

// serveTakenOver serves a request of a taken-over session; it reports false
// when sid is not one.
func (g *Gateway) serveTakenOver(w http.ResponseWriter, r *http.Request, sid string) bool {
	v, ok := g.shared.transports.Load(sid)
	if !ok {
		return false
	}
	if r.Method == http.MethodDelete {
		if ss := g.tracker.lookup(sid); ss != nil {
			_ = ss.Close()
		}
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	v.(*mcp.StreamableServerTransport).ServeHTTP(w, r)
	return true
}

// forget removes a session the client deleted from the store and tells the
// other replicas.
func (g *Gateway) forget(sid string) {
	ctx, cancel := context.WithTimeout(g.ctx, 5*time.Second)
	defer cancel()
	if err := g.shared.store.Delete(ctx, sid); err != nil {
		g.log.Warn("Session storage: cannot delete a session", zap.String("session", sid), zap.Error(err))
	}
}

// touch extends the life of session sid in the store, at most every touchEvery
// per replica.
func (g *Gateway) touch(sid string) {
	if !g.tracker.touchDue(sid, g.shared.touchEvery) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(g.ctx, 5*time.Second)
		defer cancel()
		if err := g.shared.store.Touch(ctx, sid); err != nil {
			g.log.Warn("Session storage: cannot extend a session", zap.String("session", sid), zap.Error(err))
		}
	}()
}
