package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
)

// Session is one client's view of the shared server. Frontends create one per
// MCP session and feed it the client's messages with Handle; the bridge calls
// the session's deliver function (which must not block) with messages for it.
type Session struct {
	b       *Bridge
	deliver func(Delivery)

	mu       sync.Mutex
	inflight map[string]string // client request id -> upstream id
	closed   bool
}

// NewSession registers a session. deliver receives every message for it and
// must not block (frontends queue them).
func (b *Bridge) NewSession(deliver func(Delivery)) *Session {
	s := &Session{b: b, deliver: deliver, inflight: map[string]string{}}
	b.mu.Lock()
	b.sessions[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// ErrSessionClosed is returned by Handle after Close.
var ErrSessionClosed = errors.New("session closed")

// Handle takes one JSON-RPC message from the client. Answers arrive through
// deliver, including JSON-RPC errors when the server is unavailable. The error
// result is only for input that is not a JSON-RPC message at all.
func (s *Session) Handle(ctx context.Context, raw []byte) error {
	m, err := parseMessage(raw)
	if err != nil {
		return err
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return ErrSessionClosed
	}
	switch {
	case m.isRequest():
		s.handleRequest(ctx, m)
	case m.isNotification():
		s.handleNotification(m)
	default:
		s.handleResponse(m)
	}
	return nil
}

func (s *Session) fail(id string, code int, msg string) {
	s.deliver(Delivery{Msg: errorResponse(id, code, msg), Request: id, Final: true})
}

func (s *Session) handleRequest(ctx context.Context, m *message) {
	id := m.id()
	if m.method == "initialize" {
		res, err := s.b.initialize(ctx, m.fields["params"])
		var rpcErr *RPCError
		switch {
		case errors.As(err, &rpcErr):
			s.deliver(Delivery{Msg: (&message{fields: map[string]json.RawMessage{
				"jsonrpc": json.RawMessage(`"2.0"`), "id": json.RawMessage(id), "error": rpcErr.Raw,
			}}).encode(), Request: id, Final: true})
		case err != nil:
			s.fail(id, CodeUnavailable, err.Error())
		default:
			s.deliver(Delivery{Msg: resultResponse(id, res), Request: id, Final: true})
		}
		return
	}
	b := s.b
	b.mu.Lock()
	if !b.ready {
		reason := b.reason
		b.mu.Unlock()
		s.fail(id, CodeUnavailable, errUnavailable(reason).Error())
		return
	}
	s.mu.Lock()
	_, dup := s.inflight[id]
	s.mu.Unlock()
	if dup {
		b.mu.Unlock()
		s.fail(id, CodeInvalidRequest, "request id "+id+" is already in flight in this session")
		return
	}
	b.nextID++
	p := &pending{sess: s, clientID: id, upID: strconv.FormatInt(b.nextID, 10)}
	out := m.withID(p.upID)
	if tok, ok := lookupParam(m.fields["params"], "_meta", "progressToken"); ok {
		// Tokens are chosen by each client and may collide across sessions.
		p.clientToken, p.upToken = tok, `"p`+p.upID+`"`
		out.fields["params"], _, _ = rewriteParam(m.fields["params"], []string{"_meta", "progressToken"}, json.RawMessage(p.upToken))
		b.progress[p.upToken] = p
	}
	b.pending[p.upID] = p
	b.lastActive[s] = b.nextID
	c := b.conn
	s.mu.Lock()
	s.inflight[id] = p.upID
	s.mu.Unlock()
	b.mu.Unlock()
	if err := c.write(out.encode()); err != nil {
		b.mu.Lock()
		_, still := b.pending[p.upID]
		b.forgetPendingLocked(p)
		b.mu.Unlock()
		if still {
			s.forget(id)
			s.fail(id, CodeUnavailable, "writing to the MCP server failed: "+err.Error())
		}
	}
}

func (s *Session) handleNotification(m *message) {
	b := s.b
	switch m.method {
	case "notifications/initialized":
		// The bridge sent its own when it initialized the server.
		return
	case "notifications/cancelled":
		rid, _ := lookupParam(m.fields["params"], "requestId")
		s.mu.Lock()
		upID, ok := s.inflight[string(rid)]
		delete(s.inflight, string(rid))
		s.mu.Unlock()
		if !ok {
			return
		}
		b.mu.Lock()
		if p := b.pending[upID]; p != nil {
			b.forgetPendingLocked(p)
		}
		b.mu.Unlock()
		params, _, _ := rewriteParam(m.fields["params"], []string{"requestId"}, json.RawMessage(upID))
		out := m.withID("")
		delete(out.fields, "id")
		out.fields["params"] = params
		s.write(out.encode())
	default:
		s.write(m.encode())
	}
}

// handleResponse forwards the client's answer to a server-to-client request.
func (s *Session) handleResponse(m *message) {
	b := s.b
	b.mu.Lock()
	owner := b.serverReqs[m.id()]
	if owner == s {
		delete(b.serverReqs, m.id())
	}
	b.mu.Unlock()
	if owner != s {
		return
	}
	s.write(m.encode())
}

// write sends a message upstream if the stream is up; otherwise it is dropped
// (notifications and responses cannot be answered with an error).
func (s *Session) write(msg []byte) {
	s.b.mu.Lock()
	c, ready := s.b.conn, s.b.ready
	s.b.mu.Unlock()
	if ready {
		_ = c.write(msg)
	}
}

// forget drops the client id of a finished request.
func (s *Session) forget(clientID string) {
	s.mu.Lock()
	delete(s.inflight, clientID)
	s.mu.Unlock()
}

// Close ends the session: its requests still in flight are cancelled upstream,
// and server requests waiting for it are answered with an error.
func (s *Session) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	inflight := s.inflight
	s.inflight = map[string]string{}
	s.mu.Unlock()
	b := s.b
	b.mu.Lock()
	delete(b.sessions, s)
	delete(b.lastActive, s)
	var orphans []string
	for id, owner := range b.serverReqs {
		if owner == s {
			orphans = append(orphans, id)
			delete(b.serverReqs, id)
		}
	}
	for _, upID := range inflight {
		if p := b.pending[upID]; p != nil {
			b.forgetPendingLocked(p)
		}
	}
	c, ready := b.conn, b.ready
	b.mu.Unlock()
	if !ready {
		return
	}
	for _, upID := range inflight {
		_ = c.write(request("", "notifications/cancelled",
			json.RawMessage(`{"requestId":`+upID+`,"reason":"client session closed"}`)))
	}
	for _, id := range orphans {
		_ = c.write(errorResponse(id, CodeInternalError, "the client session closed before answering"))
	}
}
