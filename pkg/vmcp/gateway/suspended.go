package gateway

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/composite"
)

// Limits of the suspended composite calls kept in memory.
const (
	suspendedTTL = 10 * time.Minute
	maxSuspended = 10000
)

// suspendedCalls keeps composite tool calls that wait for the client's answers
// to elicitation steps under the multi round-trip protocol (SEP-2322): the steps
// already done, so that the retried call resumes instead of repeating backend
// calls. The key is an unguessable token the client echoes as requestState; the
// state never travels to the client, so it cannot be forged.
type suspendedCalls struct {
	mu    sync.Mutex
	calls map[string]suspendedCall
}

type suspendedCall struct {
	tool    string
	subject string // the identity that may resume it
	args    map[string]any
	done    map[string]composite.StepResult
	expires time.Time
}

// put stores c and returns its token.
func (s *suspendedCalls) put(c suspendedCall) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	now := timeNow()
	c.expires = now.Add(suspendedTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]suspendedCall{}
	}
	for k, v := range s.calls {
		if now.After(v.expires) {
			delete(s.calls, k)
		}
	}
	if len(s.calls) >= maxSuspended {
		return "", errors.New("too many composite tool calls are waiting for answers; retry later")
	}
	s.calls[token] = c
	return token, nil
}

// take removes and returns the call saved under token when it belongs to the
// same tool and identity and has not expired.
func (s *suspendedCalls) take(token, tool, subject string) (suspendedCall, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.calls[token]
	if !ok || c.tool != tool || c.subject != subject {
		return suspendedCall{}, false
	}
	delete(s.calls, token)
	return c, timeNow().Before(c.expires)
}
