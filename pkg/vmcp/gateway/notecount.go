package gateway

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

// noteMarker starts the method of every MCP notification ("notifications/...").
// Inside a JSON string value it would be escaped (\"notifications/), so the raw
// bytes count notifications, at worst over-counting a string value that
// happens to start with it (which costs settle its time limit, not correctness).
var noteMarker = []byte(`"notifications/`)

// countingTransport counts the notifications a backend sends on the SSE streams
// of one backend session as their bytes are read, before the SDK hands them to a
// handler goroutine (see conn.settle).
type countingTransport struct {
	next http.RoundTripper
	seen *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp, err
	}
	resp.Body = &countingBody{ReadCloser: resp.Body, seen: t.seen}
	return resp, nil
}

// countingBody counts noteMarker occurrences not preceded by a backslash, across
// read boundaries.
type countingBody struct {
	io.ReadCloser
	seen *atomic.Int64
	tail []byte // the last len(noteMarker) bytes read
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.count(p[:n])
	}
	return n, err
}

func (b *countingBody) count(chunk []byte) {
	buf := chunk
	if len(b.tail) > 0 {
		buf = append(b.tail, chunk...)
	}
	for i := 0; ; {
		j := bytes.Index(buf[i:], noteMarker)
		if j < 0 {
			break
		}
		at := i + j
		// Occurrences ending inside the old tail were counted by the previous read.
		if at+len(noteMarker) > len(b.tail) && (at == 0 || buf[at-1] != '\\') {
			b.seen.Add(1)
		}
		i = at + 1
	}
	keep := min(len(buf), len(noteMarker))
	b.tail = append(b.tail[:0], buf[len(buf)-keep:]...)
}
