package mcpauthz

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// rewriter passes a response through, handing every JSON-RPC message of a JSON
// body (buffered: it is one answer) or of an SSE stream (event by event, flushed
// as they come) to fn, and re-encoding the messages fn changed.
type rewriter struct {
	w  http.ResponseWriter
	fn func(*message) bool
	// onEndpoint receives the session id of a legacy SSE endpoint event.
	onEndpoint func(session string)

	mu sync.Mutex // serializes writes to w: inject runs on other goroutines

	mode        int
	status      int
	wroteHeader bool
	buf         bytes.Buffer
}

const (
	modePass = iota
	modeJSON
	modeSSE
)

func newRewriter(w http.ResponseWriter, fn func(*message) bool) *rewriter {
	return &rewriter{w: w, fn: fn}
}

// Header implements http.ResponseWriter.
func (rw *rewriter) Header() http.Header { return rw.w.Header() }

// Unwrap lets http.ResponseController reach the connection.
func (rw *rewriter) Unwrap() http.ResponseWriter { return rw.w }

// WriteHeader implements http.ResponseWriter; it picks the mode from the
// response's Content-Type (encoded bodies pass untouched).
func (rw *rewriter) WriteHeader(code int) {
	if rw.wroteHeader {
		return
	}
	rw.wroteHeader = true
	h := rw.w.Header()
	ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch {
	case h.Get("Content-Encoding") != "":
		rw.mode = modePass
	case ct == "application/json":
		rw.mode, rw.status = modeJSON, code
		h.Del("Content-Length")
		return // written with the body in finish
	case ct == "text/event-stream":
		rw.mode = modeSSE
		h.Del("Content-Length")
	}
	rw.w.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (rw *rewriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if !rw.wroteHeader {
		rw.WriteHeader(http.StatusOK)
	}
	switch rw.mode {
	case modeJSON:
		return rw.buf.Write(p)
	case modeSSE:
		rw.buf.Write(p)
		return len(p), rw.events()
	}
	return rw.w.Write(p)
}

// Flush implements http.Flusher; complete SSE events are already written.
func (rw *rewriter) Flush() {
	if rw.mode == modeJSON {
		return
	}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	_ = http.NewResponseController(rw.w).Flush()
}

// inject writes a message event of its own into an SSE stream (the answer to a
// request refused on a legacy SSE POST, which the client awaits here).
func (rw *rewriter) inject(msg []byte) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.mode != modeSSE {
		return
	}
	// A partial event in the buffer has not been written yet, so the stream is
	// at an event boundary.
	_, _ = rw.w.Write([]byte("event: message\ndata: " + string(msg) + "\n\n"))
	_ = http.NewResponseController(rw.w).Flush()
}

// events writes every complete event in the buffer, rewritten.
func (rw *rewriter) events() error {
	for {
		b := rw.buf.Bytes()
		end, sep := eventEnd(b)
		if end < 0 {
			return nil
		}
		if rw.onEndpoint != nil {
			if session, ok := endpointSession(b[:end]); ok {
				rw.onEndpoint(session)
			}
		}
		ev := rewriteEvent(b[:end], rw.fn)
		rw.buf.Next(end + sep)
		if _, err := rw.w.Write(append(ev, b[end:end+sep]...)); err != nil {
			return err
		}
	}
}

// eventEnd finds the blank line ending the first event: its offset and length.
func eventEnd(b []byte) (int, int) {
	i, j := bytes.Index(b, []byte("\n\n")), bytes.Index(b, []byte("\r\n\r\n"))
	switch {
	case j >= 0 && (i < 0 || j < i):
		return j, 4
	case i >= 0:
		return i, 2
	}
	return -1, 0
}

// endpointSession returns the session id of a legacy SSE "endpoint" event.
func endpointSession(ev []byte) (string, bool) {
	if !bytes.Contains(ev, []byte("event: endpoint")) {
		return "", false
	}
	for _, l := range strings.Split(string(ev), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSuffix(l, "\r"), "data:"); ok {
			u, err := url.Parse(strings.TrimSpace(v))
			if err != nil {
				return "", false
			}
			q := u.Query()
			for _, k := range []string{"sessionId", "session_id"} {
				if id := q.Get(k); id != "" {
					return id, true
				}
			}
		}
	}
	return "", false
}

// finish writes a buffered JSON body (rewritten) or the tail of a stream.
func (rw *rewriter) finish() {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	switch rw.mode {
	case modeJSON:
		body := rw.buf.Bytes()
		if msgs, batch := parse(body); len(msgs) > 0 {
			changed := false
			for _, m := range msgs {
				changed = rw.fn(m) || changed
			}
			if changed {
				body = encode(msgs, batch)
			}
		}
		rw.w.WriteHeader(rw.status)
		_, _ = rw.w.Write(body)
	case modeSSE:
		_, _ = rw.w.Write(rw.buf.Bytes())
	}
	rw.buf.Reset()
}

// rewriteEvent hands the event's data (a JSON-RPC message) to fn and, when fn
// changed it, rebuilds the event with the new data in place of the old lines.
func rewriteEvent(ev []byte, fn func(*message) bool) []byte {
	lines := strings.Split(string(ev), "\n")
	var data []string
	first := -1
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if v, ok := strings.CutPrefix(l, "data:"); ok {
			if first < 0 {
				first = i
			}
			data = append(data, strings.TrimPrefix(v, " "))
		}
	}
	if first < 0 {
		return ev
	}
	msgs, batch := parse([]byte(strings.Join(data, "\n")))
	changed := false
	for _, m := range msgs {
		changed = fn(m) || changed
	}
	if !changed {
		return ev
	}
	var out []string
	for i, l := range lines {
		switch {
		case i == first:
			out = append(out, "data: "+string(encode(msgs, batch)))
		case strings.HasPrefix(l, "data:"):
		default:
			out = append(out, strings.TrimSuffix(l, "\r"))
		}
	}
	return []byte(strings.Join(out, "\n"))
}
