package bridge

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/proxy/stdio"
)

// Options configure a Bridge.
type Options struct {
	// Dialer opens the stdio stream. Required.
	Dialer stdio.Dialer
	// Logger (nil = no logs).
	Logger *zap.Logger
	// Backoff between redials; zero values get defaults.
	Backoff Backoff
	// HandshakeTimeout bounds the server's answer to initialize (default 30s).
	HandshakeTimeout time.Duration
	// OnRestart is called each time the stream is dialed again after ending.
	OnRestart func()
	// OnState is called when the stream goes up or down.
	OnState func(up bool)
}

// Delivery is a message for one client session.
type Delivery struct {
	// Msg is one JSON-RPC message (compact JSON).
	Msg []byte
	// Request is the raw id of the client request that Msg answers or belongs to
	// (a progress notification, a server request made while it runs); "" if none.
	Request string
	// Final says Msg is the response to Request.
	Final bool
}

// Bridge shares one stdio server between many sessions.
type Bridge struct {
	opts Options
	log  *zap.Logger

	mu         sync.Mutex
	conn       *conn // current stream; nil while down
	ready      bool  // conn is usable by sessions (handshake done if one was needed)
	reason     string
	sessions   map[*Session]struct{}
	pending    map[string]*pending // upstream request id -> request
	progress   map[string]*pending // upstream progress token -> request
	serverReqs map[string]*Session // server->client request id -> session it went to
	nextID     int64               // last upstream id used
	initParams json.RawMessage     // the first session's initialize params
	initResult json.RawMessage     // the server's InitializeResult for the current stream
	initWait   chan struct{}       // closed when an ongoing handshake ends
	lastActive map[*Session]int64  // session -> last upstream id it used
}

// pending is a request in flight upstream.
type pending struct {
	sess     *Session // nil for the bridge's own requests
	clientID string
	upID     string
	// clientToken/upToken: the progress token as the client sent it and as rewritten.
	clientToken json.RawMessage
	upToken     string
	// internal receives the response of the bridge's own requests.
	internal chan *message
}

// New returns a Bridge; call Run to connect.
func New(opts Options) *Bridge {
	if opts.HandshakeTimeout == 0 {
		opts.HandshakeTimeout = 30 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &Bridge{
		opts: opts, log: log, reason: "not connected yet",
		sessions: map[*Session]struct{}{}, pending: map[string]*pending{},
		progress: map[string]*pending{}, serverReqs: map[string]*Session{},
		lastActive: map[*Session]int64{},
	}
}

// Status reports whether the stdio server is reachable, and why not.
func (b *Bridge) Status() (bool, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ready {
		return true, ""
	}
	return false, b.reason
}

// Run dials the stream and keeps it up, redialing with backoff, until ctx ends.
func (b *Bridge) Run(ctx context.Context) error {
	bo := b.opts.Backoff.withDefaults()
	delay := bo.Initial
	for attempt := 0; ctx.Err() == nil; attempt++ {
		if attempt > 0 && b.opts.OnRestart != nil {
			b.opts.OnRestart()
		}
		started := time.Now()
		err := b.serveOnce(ctx)
		if ctx.Err() != nil {
			break
		}
		if time.Since(started) >= bo.StableAfter {
			delay = bo.Initial
		}
		b.log.Warn("Stdio stream ended, reconnecting", zap.String("target", b.opts.Dialer.String()),
			zap.Error(err), zap.Duration("backoff", delay))
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
		delay = bo.next(delay)
	}
	b.setDown("shutting down", nil)
	return nil
}

// serveOnce dials, re-initializes the server if sessions already did, and reads
// until the stream ends.
func (b *Bridge) serveOnce(ctx context.Context) error {
	s, err := b.opts.Dialer.Dial(ctx)
	if err != nil {
		b.setDown("dial failed: "+err.Error(), nil)
		return err
	}
	c := newConn(s)
	b.mu.Lock()
	b.conn, b.ready, b.reason = c, false, "initializing"
	params := b.initParams
	b.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		err := b.readLoop(c)
		if cerr := c.close(); cerr != nil {
			err = fmt.Errorf("%v: %v", err, cerr)
		}
		// Fail what is in flight at once, before any redial.
		b.setDown("stdio stream ended: "+err.Error(), c)
		done <- err
	}()
	if params != nil {
		if err := b.reinitialize(ctx, c, params); err != nil {
			c.close()
			<-done
			return fmt.Errorf("initialize after reconnect: %w", err)
		}
	}
	b.mu.Lock()
	up := b.conn == c
	if up {
		b.ready, b.reason = true, ""
	}
	b.mu.Unlock()
	if up {
		b.log.Info("Stdio stream connected", zap.String("target", b.opts.Dialer.String()))
		if b.opts.OnState != nil {
			b.opts.OnState(true)
		}
	}
	select {
	case err = <-done:
	case <-ctx.Done():
		c.close()
		err = <-done
	}
	return err
}

// reinitialize repeats the handshake on a new stream with the params the first
// session sent, so existing sessions keep working against a restarted server.
func (b *Bridge) reinitialize(ctx context.Context, c *conn, params json.RawMessage) error {
	res, err := b.handshake(ctx, c, params)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.initResult = res
	b.mu.Unlock()
	return nil
}

// setDown marks the stream down and fails everything in flight on it. c (if
// not nil) must still be the current conn, so a late call cannot undo a redial.
func (b *Bridge) setDown(reason string, c *conn) {
	b.mu.Lock()
	if c != nil && b.conn != c {
		b.mu.Unlock()
		return
	}
	wasReady := b.ready
	b.conn, b.ready, b.reason = nil, false, reason
	b.initResult = nil
	failed := b.pending
	b.pending, b.progress = map[string]*pending{}, map[string]*pending{}
	b.serverReqs = map[string]*Session{}
	b.mu.Unlock()
	msg := "MCP server connection lost: " + reason
	for _, p := range failed {
		if p.internal != nil {
			close(p.internal)
			continue
		}
		p.sess.forget(p.clientID)
		p.sess.deliver(Delivery{Msg: errorResponse(p.clientID, CodeUnavailable, msg), Request: p.clientID, Final: true})
	}
	if wasReady && b.opts.OnState != nil {
		b.opts.OnState(false)
	}
}

// readLoop reads newline-delimited JSON-RPC messages until the stream ends.
func (b *Bridge) readLoop(c *conn) error {
	r := bufio.NewReaderSize(c.s, 64<<10)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			b.dispatch(c, line)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return errors.New("server closed stdout")
			}
			return err
		}
	}
}

// dispatch routes one line the server wrote.
func (b *Bridge) dispatch(c *conn, line []byte) {
	trimmed := trimSpace(line)
	if len(trimmed) == 0 {
		return
	}
	m, err := parseMessage(trimmed)
	if err != nil {
		// Servers sometimes log to stdout; that is not fatal.
		b.log.Debug("Ignoring non-JSON-RPC output from server", zap.ByteString("line", trimmed))
		return
	}
	switch {
	case m.isResponse():
		b.routeResponse(m)
	case m.isNotification():
		b.routeNotification(m)
	default:
		b.routeServerRequest(c, m)
	}
}

func (b *Bridge) routeResponse(m *message) {
	b.mu.Lock()
	p := b.pending[m.id()]
	if p != nil {
		b.forgetPendingLocked(p)
	}
	b.mu.Unlock()
	if p == nil {
		b.log.Debug("Dropping response to unknown request", zap.String("id", m.id()))
		return
	}
	if p.internal != nil {
		p.internal <- m
		return
	}
	p.sess.forget(p.clientID)
	p.sess.deliver(Delivery{Msg: m.withID(p.clientID).encode(), Request: p.clientID, Final: true})
}

func (b *Bridge) forgetPendingLocked(p *pending) {
	delete(b.pending, p.upID)
	if p.upToken != "" {
		delete(b.progress, p.upToken)
	}
}

func (b *Bridge) routeNotification(m *message) {
	switch m.method {
	case "notifications/progress":
		tok, _ := lookupParam(m.fields["params"], "progressToken")
		b.mu.Lock()
		p := b.progress[string(tok)]
		b.mu.Unlock()
		if p == nil || p.sess == nil {
			return
		}
		params, _, _ := rewriteParam(m.fields["params"], []string{"progressToken"}, p.clientToken)
		out := m.withID("")
		delete(out.fields, "id")
		out.fields["params"] = params
		p.sess.deliver(Delivery{Msg: out.encode(), Request: p.clientID})
	case "notifications/cancelled":
		// The server gave up on one of its own requests to a client.
		rid, _ := lookupParam(m.fields["params"], "requestId")
		b.mu.Lock()
		s := b.serverReqs[string(rid)]
		delete(b.serverReqs, string(rid))
		b.mu.Unlock()
		if s != nil {
			s.deliver(Delivery{Msg: m.encode()})
		}
	default:
		b.mu.Lock()
		targets := make([]*Session, 0, len(b.sessions))
		for s := range b.sessions {
			targets = append(targets, s)
		}
		b.mu.Unlock()
		raw := m.encode()
		for _, s := range targets {
			s.deliver(Delivery{Msg: raw})
		}
	}
}

// routeServerRequest sends a server-to-client request (sampling, roots,
// elicitation) to the session most likely to have caused it: the one with the
// newest request in flight, else the most recently active one. ping is answered
// here, since any client would answer it the same way.
func (b *Bridge) routeServerRequest(c *conn, m *message) {
	if m.method == "ping" {
		_ = c.write(resultResponse(m.id(), json.RawMessage(`{}`)))
		return
	}
	b.mu.Lock()
	var target *pending
	for _, p := range b.pending {
		if p.sess != nil && (target == nil || upLess(target.upID, p.upID)) {
			target = p
		}
	}
	var s *Session
	related := ""
	if target != nil {
		s, related = target.sess, target.clientID
	} else {
		var best int64 = -1
		for cand := range b.sessions {
			if b.lastActive[cand] > best {
				s, best = cand, b.lastActive[cand]
			}
		}
	}
	if s != nil {
		b.serverReqs[m.id()] = s
	}
	b.mu.Unlock()
	if s == nil {
		_ = c.write(errorResponse(m.id(), CodeInternalError, "no MCP client session is connected to the proxy to answer "+m.method))
		return
	}
	s.deliver(Delivery{Msg: m.encode(), Request: related})
}

func upLess(a, b string) bool {
	x, _ := strconv.ParseInt(a, 10, 64)
	y, _ := strconv.ParseInt(b, 10, 64)
	return x < y
}

// handshake initializes the server on c with params and sends notifications/initialized.
func (b *Bridge) handshake(ctx context.Context, c *conn, params json.RawMessage) (json.RawMessage, error) {
	resp, err := b.call(ctx, c, "initialize", params)
	if err != nil {
		return nil, err
	}
	if e := resp.fields["error"]; e != nil {
		return nil, &RPCError{Raw: e}
	}
	if err := c.write(request("", "notifications/initialized", nil)); err != nil {
		return nil, err
	}
	return resp.fields["result"], nil
}

// RPCError is an error response from the server to the bridge's own request.
type RPCError struct{ Raw json.RawMessage }

func (e *RPCError) Error() string { return "server returned error " + string(e.Raw) }

// call sends the bridge's own request on c and waits for the answer.
func (b *Bridge) call(ctx context.Context, c *conn, method string, params json.RawMessage) (*message, error) {
	ch := make(chan *message, 1)
	b.mu.Lock()
	b.nextID++
	p := &pending{upID: strconv.FormatInt(b.nextID, 10), internal: ch}
	b.pending[p.upID] = p
	b.mu.Unlock()
	if err := c.write(request(p.upID, method, params)); err != nil {
		b.mu.Lock()
		delete(b.pending, p.upID)
		b.mu.Unlock()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, b.opts.HandshakeTimeout)
	defer cancel()
	select {
	case m, ok := <-ch:
		if !ok {
			return nil, errors.New("stdio stream ended before the server answered " + method)
		}
		return m, nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, p.upID)
		b.mu.Unlock()
		return nil, fmt.Errorf("server did not answer %s: %w", method, ctx.Err())
	}
}

// initialize returns the cached InitializeResult, running the handshake with
// params if no session has initialized the current stream yet.
func (b *Bridge) initialize(ctx context.Context, params json.RawMessage) (json.RawMessage, error) {
	for {
		b.mu.Lock()
		if !b.ready {
			reason := b.reason
			b.mu.Unlock()
			return nil, errUnavailable(reason)
		}
		if b.initResult != nil {
			res := b.initResult
			b.mu.Unlock()
			return res, nil
		}
		if wait := b.initWait; wait != nil {
			b.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		wait := make(chan struct{})
		b.initWait = wait
		c := b.conn
		b.mu.Unlock()
		res, err := b.handshake(ctx, c, params)
		b.mu.Lock()
		if err == nil && b.conn == c {
			b.initResult, b.initParams = res, params
		}
		b.initWait = nil
		close(wait)
		b.mu.Unlock()
		return res, err
	}
}

type unavailableError string

func (e unavailableError) Error() string { return "MCP server unavailable: " + string(e) }

func errUnavailable(reason string) error { return unavailableError(reason) }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// conn is one dialed stream with serialized writes.
type conn struct {
	s        stdio.Stream
	wmu      sync.Mutex
	once     sync.Once
	closeErr error
}

func newConn(s stdio.Stream) *conn { return &conn{s: s} }

// write sends one message followed by a newline.
func (c *conn) write(msg []byte) error {
	line := make([]byte, 0, len(msg)+1)
	line = append(append(line, msg...), '\n')
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.s.Write(line)
	return err
}

func (c *conn) close() error {
	c.once.Do(func() { c.closeErr = c.s.Close() })
	return c.closeErr
}

// Backoff is the exponential delay between redials.
type Backoff struct {
	// Initial delay (default 250ms), doubled after each failed attempt up to Max (default 30s).
	Initial, Max time.Duration
	// StableAfter: a stream that lived this long resets the delay (default 30s).
	StableAfter time.Duration
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 250 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	if b.StableAfter <= 0 {
		b.StableAfter = 30 * time.Second
	}
	return b
}

// next returns the delay after d.
func (b Backoff) next(d time.Duration) time.Duration {
	d *= 2
	if d > b.Max {
		d = b.Max
	}
	return d
}
