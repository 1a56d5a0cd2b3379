package gateway

import (
	"context"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// clientSession holds the backend sessions opened for one client session: at most
// one per backend, opened on first use, closed when the client session ends.
type clientSession struct {
	ss    *mcp.ServerSession
	mu    sync.Mutex
	conns map[string]*conn
}

func (s *clientSession) closeAll() {
	s.mu.Lock()
	conns := s.conns
	s.conns = map[string]*conn{}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

func (s *clientSession) drop(name string, c *conn) {
	s.mu.Lock()
	if s.conns[name] == c {
		delete(s.conns, name)
	}
	s.mu.Unlock()
	c.close()
}

// perSession reports whether ss gets its own backend sessions: stateless requests
// (no session id) share the backend's pooled session.
func perSession(ss *mcp.ServerSession) bool {
	return ss != nil && ss.ID() != ""
}

// session returns the state of ss, creating it and arranging its cleanup when the
// client session ends (DELETE, idle timeout or shutdown).
func (g *Gateway) session(ss *mcp.ServerSession) *clientSession {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s, ok := g.sessions[ss]; ok {
		return s
	}
	s := &clientSession{ss: ss, conns: map[string]*conn{}}
	g.sessions[ss] = s
	go func() {
		_ = ss.Wait()
		g.mu.Lock()
		delete(g.sessions, ss)
		g.mu.Unlock()
		s.closeAll()
	}()
	return s
}

// connFor returns the backend session that serves ss's requests to b.
func (g *Gateway) connFor(ctx context.Context, ss *mcp.ServerSession, b *backendState) (*conn, func(), error) {
	if b.def.Shared() || !perSession(ss) {
		c, err := g.sharedConn(ctx, b)
		return c, func() { g.dropSharedConn(b, c) }, err
	}
	s := g.session(ss)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.conns[b.def.Name]; ok && c.alive() {
		return c, func() { s.drop(b.def.Name, c) }, nil
	}
	c, err := g.dial(ctx, b, ss)
	if err != nil {
		return nil, nil, err
	}
	s.conns[b.def.Name] = c
	return c, func() { s.drop(b.def.Name, c) }, nil
}

func (g *Gateway) closeBackendSessions(name string) {
	g.mu.Lock()
	var all []*clientSession
	for _, s := range g.sessions {
		all = append(all, s)
	}
	g.mu.Unlock()
	for _, s := range all {
		s.mu.Lock()
		c := s.conns[name]
		delete(s.conns, name)
		s.mu.Unlock()
		c.close()
	}
}
