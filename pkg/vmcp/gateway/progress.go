package gateway

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// progressRouter maps the progress tokens vmcp sends to backends back to the
// client's own token and request. Tokens are rewritten because clients sharing a
// backend session could pick the same token.
type progressRouter struct {
	next    atomic.Uint64
	mu      sync.Mutex
	entries map[string]progressEntry
}

type progressEntry struct {
	ctx   context.Context
	ss    *mcp.ServerSession
	token any
	ended bool // the call was answered; see lateProgress
}

// lateProgress is how long after a call's answer its progress is still relayed.
// A backend may send progress on its standalone GET stream; read concurrently
// with the POST that carries the answer, it can arrive just after the answer.
// Such progress goes to the client's standalone stream.
const lateProgress = time.Second

// register returns the backend-side token for a client token and a release func.
func (p *progressRouter) register(ctx context.Context, ss *mcp.ServerSession, token any) (string, func()) {
	id := fmt.Sprintf("vmcp-%d", p.next.Add(1))
	p.mu.Lock()
	if p.entries == nil {
		p.entries = map[string]progressEntry{}
	}
	p.entries[id] = progressEntry{ctx: ctx, ss: ss, token: token}
	p.mu.Unlock()
	return id, func() {
		p.mu.Lock()
		e := p.entries[id]
		e.ended = true
		p.entries[id] = e
		p.mu.Unlock()
		time.AfterFunc(lateProgress, func() {
			p.mu.Lock()
			delete(p.entries, id)
			p.mu.Unlock()
		})
	}
}

// forward sends a backend progress notification to the client that asked for it.
func (p *progressRouter) forward(params *mcp.ProgressNotificationParams) {
	if params == nil {
		return
	}
	p.mu.Lock()
	e, ok := p.entries[fmt.Sprint(params.ProgressToken)]
	p.mu.Unlock()
	if !ok || e.ss == nil {
		return
	}
	out := *params
	out.ProgressToken = e.token
	ctx := e.ctx
	if e.ended {
		ctx = context.Background() // not related to the answered request: the standalone stream
	}
	_ = e.ss.NotifyProgress(ctx, &out)
}
