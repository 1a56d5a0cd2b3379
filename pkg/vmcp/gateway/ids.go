package gateway

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync/atomic"
)

// The Go SDK decodes a JSON-RPC id number into an int64 through a float64, so
// 9223372036854775807 would come back negative and 1.5 as 1. preserveIDs hands
// the SDK a string id in place of any number it could change and writes the
// client's exact id bytes back into the answer.

// safeID matches the ids the SDK echoes unchanged (or rejects): null, strings without escapes and
// integers small enough to survive a float64.
var safeID = regexp.MustCompile(`^(?:null|"[^"\\]*"|-?(?:0|[1-9][0-9]{0,14}))$`)

// idSeq numbers substituted ids; idPrefix makes them unlikely to collide with
// anything else in an answer.
var idSeq atomic.Uint64

const idPrefix = "vmcp-id-7f3a-"

// preserveIDs wraps a Streamable HTTP handler; see the comment above.
func preserveIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if mb, ok := r.Body.(*memBody); ok {
			body = mb.data
		} else {
			var err error
			if body, err = io.ReadAll(r.Body); err != nil {
				http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
				return
			}
		}
		start, end, ok := member(body, "id")
		if !ok || safeID.Match(body[start:end]) {
			r.Body = &memBody{Reader: bytes.NewReader(body), data: body}
			next.ServeHTTP(w, r)
			return
		}
		token := []byte(fmt.Sprintf(`"%s%d"`, idPrefix, idSeq.Add(1)))
		swapped := make([]byte, 0, len(body)+len(token))
		swapped = append(append(append(swapped, body[:start]...), token...), body[end:]...)
		r.Body = &memBody{Reader: bytes.NewReader(swapped), data: swapped}
		r.ContentLength = int64(len(swapped))
		next.ServeHTTP(&idRestorer{ResponseWriter: w, token: token, original: body[start:end]}, r)
	})
}

// idRestorer writes the client's id in place of the substituted one. The SDK
// writes each JSON answer or SSE event with one Write.
type idRestorer struct {
	http.ResponseWriter
	token, original []byte
}

func (w *idRestorer) Write(p []byte) (int, error) {
	if !bytes.Contains(p, w.token) {
		return w.ResponseWriter.Write(p)
	}
	if _, err := w.ResponseWriter.Write(bytes.ReplaceAll(p, w.token, w.original)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *idRestorer) WriteHeader(code int) {
	w.Header().Del("Content-Length") // the id's length changes
	w.ResponseWriter.WriteHeader(code)
}

// Flush keeps SSE answers streaming.
func (w *idRestorer) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *idRestorer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
