package ratelimit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// BodyFunc returns a POST's body without consuming it for the handler behind.
type BodyFunc func(r *http.Request) ([]byte, error)

// readBody reads the body into memory and puts an equal one back.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// Middleware refuses the tools/call requests of a POST that l does not allow; it goes
// after authentication (the caller's identity picks the per-user bucket). body reads
// the POST (nil = read it and put it back). A nil l returns next.
func Middleware(l *Limiter, body BodyFunc, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	if body == nil {
		body = readBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		b, err := body(r)
		if err != nil {
			http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		calls := toolCalls(b)
		if len(calls) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		user := ""
		if id := auth.IdentityFrom(r.Context()); id != nil && !id.Anonymous {
			user = id.Subject
		}
		for _, c := range calls {
			if d := l.AllowCall(user, c.tool); !d.Allowed {
				refuse(w, c.id, c.tool, d)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// call is one tools/call request of a POST.
type call struct {
	id   json.RawMessage
	tool string
}

// toolCalls returns the tools/call requests of a single message or a batch.
func toolCalls(body []byte) []call {
	type msg struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params struct {
			Name string `json:"name"`
		} `json:"params"`
	}
	var msgs []msg
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		_ = json.Unmarshal(body, &msgs)
	} else {
		var m msg
		if json.Unmarshal(body, &m) == nil {
			msgs = []msg{m}
		}
	}
	var out []call
	for _, m := range msgs {
		if m.Method == "tools/call" && len(m.ID) > 0 && string(m.ID) != "null" {
			out = append(out, call{id: m.ID, tool: m.Params.Name})
		}
	}
	return out
}

// refuse answers 429 with a JSON-RPC error for the request id; a batch with one refused
// call is refused whole, so no call of it runs twice when the client retries.
func refuse(w http.ResponseWriter, id json.RawMessage, tool string, d Decision) {
	secs := int(math.Ceil(d.RetryAfter.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	_ = json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": id, "error": map[string]any{
		"code": CodeRateLimited,
		"message": fmt.Sprintf("rate limit exceeded for tool %q (%s); retry in %s", tool, d.Limit,
			d.RetryAfter.Round(time.Millisecond)),
		"data": map[string]any{"limit": d.Limit, "retryAfterSeconds": secs},
	}})
}
