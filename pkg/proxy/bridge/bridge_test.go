package bridge

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/proxy/stdio"
)

// fakeServer is the far end of a fake stdio stream: the test reads what the
// bridge wrote and writes what the "server" answers.
type fakeServer struct {
	lines  chan map[string]any
	out    *io.PipeWriter // server stdout (bridge reads)
	in     *io.PipeReader // server stdin (bridge writes)
	closed chan struct{}
}

type fakeStream struct {
	io.Reader
	io.Writer
	close func() error
}

func (f *fakeStream) Close() error { return f.close() }

// fakeDialer hands out a new fakeServer for every Dial.
type fakeDialer struct {
	servers chan *fakeServer
	fail    chan error // optional dial failures, consumed first
}

func newFakeDialer() *fakeDialer {
	return &fakeDialer{servers: make(chan *fakeServer, 10), fail: make(chan error, 10)}
}

func (d *fakeDialer) String() string { return "fake" }

func (d *fakeDialer) Dial(context.Context) (stdio.Stream, error) {
	select {
	case err := <-d.fail:
		return nil, err
	default:
	}
	outR, outW := io.Pipe()
	inR, inW := io.Pipe()
	fs := &fakeServer{lines: make(chan map[string]any, 100), out: outW, in: inR, closed: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(inR)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				fs.lines <- m
			}
		}
	}()
	var once sync.Once
	stream := &fakeStream{Reader: outR, Writer: inW, close: func() error {
		once.Do(func() {
			inW.Close()
			outR.Close()
			close(fs.closed)
		})
		return nil
	}}
	d.servers <- fs
	return stream, nil
}

// end simulates the server (or pod) going away.
func (s *fakeServer) end() {
	s.out.Close()
	s.in.CloseWithError(io.ErrClosedPipe)
}

func (s *fakeServer) send(t *testing.T, msg string) {
	t.Helper()
	if _, err := io.WriteString(s.out, msg+"\n"); err != nil {
		t.Fatalf("fake server write: %v", err)
	}
}

func (s *fakeServer) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case m := <-s.lines:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("fake server: no message from the bridge within 5s")
		return nil
	}
}

// expect reads the next message and checks its method.
func (s *fakeServer) expect(t *testing.T, method string) map[string]any {
	t.Helper()
	m := s.next(t)
	if m["method"] != method {
		t.Fatalf("fake server got %v, want method %s", m, method)
	}
	return m
}

func rawID(t *testing.T, m map[string]any) string {
	t.Helper()
	b, err := json.Marshal(m["id"])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// collector is a session's delivery sink.
type collector struct{ ch chan Delivery }

func newCollector() *collector { return &collector{ch: make(chan Delivery, 100)} }

func (c *collector) deliver(d Delivery) { c.ch <- d }

func (c *collector) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case d := <-c.ch:
		var m map[string]any
		if err := json.Unmarshal(d.Msg, &m); err != nil {
			t.Fatalf("delivery is not JSON: %s", d.Msg)
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery within 5s")
		return nil
	}
}

func startBridge(t *testing.T) (*Bridge, *fakeDialer) {
	t.Helper()
	d := newFakeDialer()
	b := New(Options{Dialer: d, Backoff: Backoff{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return b, d
}

func waitUp(t *testing.T, b *Bridge, want bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if up, _ := b.Status(); up == want {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	up, reason := b.Status()
	t.Fatalf("bridge up=%v (%s), want %v", up, reason, want)
}

const initReq = `{"jsonrpc":"2.0","id":%s,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"sampling":{}},"clientInfo":{"name":"t","version":"1"}}}`

func handle(t *testing.T, s *Session, msg string) {
	t.Helper()
	if err := s.Handle(context.Background(), []byte(msg)); err != nil {
		t.Fatalf("Handle(%s): %v", msg, err)
	}
}

// initSessions initializes n sessions; the fake server must see one handshake.
func initSessions(t *testing.T, b *Bridge, srv *fakeServer, n int) ([]*Session, []*collector) {
	t.Helper()
	var sessions []*Session
	var cols []*collector
	for i := 0; i < n; i++ {
		c := newCollector()
		sessions, cols = append(sessions, b.NewSession(c.deliver)), append(cols, c)
	}
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.Handle(context.Background(), []byte(strings.Replace(initReq, "%s", `"init-`+string(rune('a'+i))+`"`, 1)))
		}()
	}
	m := srv.expect(t, "initialize")
	srv.send(t, `{"jsonrpc":"2.0","id":`+rawID(t, m)+`,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"fake","version":"1"}}}`)
	srv.expect(t, "notifications/initialized")
	wg.Wait()
	for i, c := range cols {
		got := c.next(t)
		if got["id"] != "init-"+string(rune('a'+i)) {
			t.Fatalf("session %d initialize answer has id %v", i, got["id"])
		}
		res, _ := got["result"].(map[string]any)
		if info, _ := res["serverInfo"].(map[string]any); info["name"] != "fake" {
			t.Fatalf("session %d got %v, want the cached InitializeResult", i, got)
		}
	}
	for _, s := range sessions {
		// Each client's own initialized notification must not reach the server again.
		handle(t, s, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	}
	return sessions, cols
}

func TestInitializeOnceAndRewriteIDs(t *testing.T) {
	b, d := startBridge(t)
	srv := <-d.servers
	waitUp(t, b, true)
	sessions, cols := initSessions(t, b, srv, 3)

	// Every session uses the same client id 1; the server must see three distinct ids.
	for i, s := range sessions {
		handle(t, s, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"who":`+string(rune('0'+i))+`}}}`)
	}
	seen := map[string]float64{}
	for range sessions {
		m := srv.expect(t, "tools/call") // not notifications/initialized: those were swallowed
		who := m["params"].(map[string]any)["arguments"].(map[string]any)["who"].(float64)
		seen[rawID(t, m)] = who
	}
	if len(seen) != 3 {
		t.Fatalf("upstream ids not unique: %v", seen)
	}
	// Answer in any order; each session must get its own result under its own id.
	for id, who := range seen {
		srv.send(t, `{"jsonrpc":"2.0","id":`+id+`,"result":{"who":`+jsonNum(who)+`}}`)
	}
	for i, c := range cols {
		got := c.next(t)
		if got["id"] != float64(1) {
			t.Fatalf("session %d: id %v, want 1", i, got["id"])
		}
		if who := got["result"].(map[string]any)["who"]; who != float64(i) {
			t.Fatalf("session %d got the answer for %v (crossed responses)", i, who)
		}
	}
}

func jsonNum(f float64) string { b, _ := json.Marshal(f); return string(b) }

func TestProgressAndServerRequests(t *testing.T) {
	b, d := startBridge(t)
	srv := <-d.servers
	waitUp(t, b, true)
	sessions, cols := initSessions(t, b, srv, 2)

	// Both sessions use progress token 7.
	for _, s := range sessions {
		handle(t, s, `{"jsonrpc":"2.0","id":"r","method":"tools/call","params":{"name":"slow","_meta":{"progressToken":7}}}`)
	}
	first, second := srv.expect(t, "tools/call"), srv.expect(t, "tools/call")
	tok := func(m map[string]any) string {
		b, _ := json.Marshal(m["params"].(map[string]any)["_meta"].(map[string]any)["progressToken"])
		return string(b)
	}
	if tok(first) == tok(second) {
		t.Fatalf("colliding progress tokens not rewritten: both %s", tok(first))
	}
	// Progress for the second request reaches only the second session, with token 7.
	srv.send(t, `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":`+tok(second)+`,"progress":1,"total":2}}`)
	got := cols[1].next(t)
	if got["method"] != "notifications/progress" || got["params"].(map[string]any)["progressToken"] != float64(7) {
		t.Fatalf("session 1 got %v, want its progress with token 7", got)
	}
	select {
	case d := <-cols[0].ch:
		t.Fatalf("session 0 got someone else's progress: %s", d.Msg)
	case <-time.After(50 * time.Millisecond):
	}

	// ping from the server is answered by the bridge itself.
	srv.send(t, `{"jsonrpc":"2.0","id":900,"method":"ping"}`)
	if m := srv.next(t); rawID(t, m) != "900" || m["result"] == nil {
		t.Fatalf("ping answer %v", m)
	}
	// A sampling request goes to the session with the newest request in flight
	// (the second), tagged with that request, and its answer goes back upstream.
	srv.send(t, `{"jsonrpc":"2.0","id":901,"method":"sampling/createMessage","params":{"messages":[]}}`)
	got = cols[1].next(t)
	if got["method"] != "sampling/createMessage" || got["id"] != float64(901) {
		t.Fatalf("session 1 got %v, want the sampling request", got)
	}
	handle(t, sessions[0], `{"jsonrpc":"2.0","id":901,"result":{"stolen":true}}`) // not its request: dropped
	handle(t, sessions[1], `{"jsonrpc":"2.0","id":901,"result":{"role":"assistant"}}`)
	if m := srv.next(t); rawID(t, m) != "901" || m["result"].(map[string]any)["role"] != "assistant" {
		t.Fatalf("server got %v, want session 1's sampling answer", m)
	}

	// A list_changed notification is broadcast.
	srv.send(t, `{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}`)
	for i, c := range cols {
		if m := c.next(t); m["method"] != "notifications/tools/list_changed" {
			t.Fatalf("session %d got %v, want list_changed", i, m)
		}
	}

	// Cancelling maps the client's id to the upstream one.
	handle(t, sessions[0], `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r"}}`)
	m := srv.expect(t, "notifications/cancelled")
	if rid, _ := json.Marshal(m["params"].(map[string]any)["requestId"]); string(rid) != rawID(t, first) {
		t.Fatalf("cancel for %s, want upstream id %s", rid, rawID(t, first))
	}
}

func TestReconnectAfterStreamEnds(t *testing.T) {
	b, d := startBridge(t)
	srv := <-d.servers
	waitUp(t, b, true)
	sessions, cols := initSessions(t, b, srv, 1)
	s, c := sessions[0], cols[0]

	handle(t, s, `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"slow"}}`)
	srv.expect(t, "tools/call")
	d.fail <- io.ErrUnexpectedEOF // the first redial fails: backoff, then retry
	srv.end()

	// The in-flight call gets a clear error instead of hanging.
	got := c.next(t)
	e, _ := got["error"].(map[string]any)
	if got["id"] != float64(5) || e == nil || !strings.Contains(e["message"].(string), "connection lost") {
		t.Fatalf("in-flight request got %v, want a connection-lost error", got)
	}
	// The bridge redials and initializes the new server with the first session's params.
	srv2 := <-d.servers
	m := srv2.expect(t, "initialize")
	if m["params"].(map[string]any)["clientInfo"].(map[string]any)["name"] != "t" {
		t.Fatalf("re-initialize params %v, want the first session's", m["params"])
	}
	// Until the handshake completes, requests fail fast.
	if up, reason := b.Status(); up || reason == "" {
		t.Fatalf("status up=%v reason=%q during re-initialize", up, reason)
	}
	handle(t, s, `{"jsonrpc":"2.0","id":6,"method":"tools/list"}`)
	if got := c.next(t); got["error"] == nil {
		t.Fatalf("request while down got %v, want an error", got)
	}
	srv2.send(t, `{"jsonrpc":"2.0","id":`+rawID(t, m)+`,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"fake2","version":"1"}}}`)
	srv2.expect(t, "notifications/initialized")
	waitUp(t, b, true)
	handle(t, s, `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`)
	m = srv2.expect(t, "tools/list")
	srv2.send(t, `{"jsonrpc":"2.0","id":`+rawID(t, m)+`,"result":{"tools":[]}}`)
	if got := c.next(t); got["id"] != float64(7) || got["result"] == nil {
		t.Fatalf("after reconnect got %v, want the tools/list result", got)
	}
}

func TestSessionCloseCancelsInFlight(t *testing.T) {
	b, d := startBridge(t)
	srv := <-d.servers
	waitUp(t, b, true)
	sessions, _ := initSessions(t, b, srv, 1)
	handle(t, sessions[0], `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}`)
	up := rawID(t, srv.expect(t, "tools/call"))
	sessions[0].Close()
	m := srv.expect(t, "notifications/cancelled")
	if rid, _ := json.Marshal(m["params"].(map[string]any)["requestId"]); string(rid) != up {
		t.Fatalf("cancelled %s, want %s", rid, up)
	}
	if err := sessions[0].Handle(context.Background(), []byte(`{"jsonrpc":"2.0","id":2,"method":"ping"}`)); err != ErrSessionClosed {
		t.Fatalf("Handle after Close: %v", err)
	}
}

func TestMessageEncodingKeepsPayload(t *testing.T) {
	tests := map[string]struct {
		in, id, want string
	}{
		"request":       {`{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"z":1,"a":"<b>"}}`, `42`, `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"z":1,"a":"<b>"}}`},
		"response":      {`{"result":{"x":[1,2]},"id":3,"jsonrpc":"2.0"}`, `"s-1"`, `{"jsonrpc":"2.0","id":"s-1","result":{"x":[1,2]}}`},
		"error":         {`{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"m"}}`, `3`, `{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"m"}}`},
		"unicode+extra": {`{"jsonrpc":"2.0","id":1,"method":"x","params":{"s":"é\u2028"},"x-ext":true}`, `2`, `{"jsonrpc":"2.0","id":2,"method":"x","params":{"s":"é\u2028"},"x-ext":true}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := parseMessage([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(m.withID(tc.id).encode()); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"not json":      `nope`,
		"no method":     `{"jsonrpc":"2.0","id":1}`,
		"empty method":  `{"jsonrpc":"2.0","id":1,"method":""}`,
		"method number": `{"jsonrpc":"2.0","method":3}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := parseMessage([]byte(in)); err == nil {
				t.Fatalf("parseMessage(%s) accepted it", in)
			}
		})
	}
}

func TestSplitBatch(t *testing.T) {
	msgs, err := SplitBatch([]byte("[{\"a\": 1},\n {\"b\" : [1, 2]}]"))
	if err != nil || len(msgs) != 2 || string(msgs[1]) != `{"b":[1,2]}` {
		t.Fatalf("SplitBatch = %q, %v", msgs, err)
	}
	if _, err := SplitBatch([]byte("[]")); err == nil {
		t.Fatal("empty batch accepted")
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Initial: time.Second, Max: 5 * time.Second}.withDefaults()
	var got []time.Duration
	d := b.Initial
	for i := 0; i < 5; i++ {
		got = append(got, d)
		d = b.next(d)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("backoff sequence %v, want %v", got, want)
		}
	}
}
