package gateway

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// conn is one backend MCP session. It remembers the client requests it is
// serving so that backend notifications and requests without a request id
// (logging, sampling, elicitation) reach the client on the right stream.
type conn struct {
	cs      *mcp.ClientSession
	backend string
	owner   *mcp.ServerSession // nil for a shared session
	done    chan struct{}

	// notes counts notifications forwarded to clients; see settle.
	notes atomic.Int64

	mu       sync.Mutex
	inflight []context.Context
}

// settle waits, when notifications were forwarded during a call (notes moved
// since before), until none has been forwarded for a short while. The SDK
// delivers a response as soon as it is read but hands notifications read just
// before it to a handler goroutine; without this, the last progress or log
// message of a call could be forwarded after the call's own response stream
// closed. Calls without notifications never wait.
func (c *conn) settle(before int64) {
	const quiet, limit = 5 * time.Millisecond, 100 * time.Millisecond
	last := c.notes.Load()
	if last == before {
		return
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		time.Sleep(quiet)
		n := c.notes.Load()
		if n == last {
			return
		}
		last = n
	}
}

func (c *conn) alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// begin registers a client request served over c; the returned func ends it.
func (c *conn) begin(ctx context.Context) func() {
	c.mu.Lock()
	c.inflight = append(c.inflight, ctx)
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, x := range c.inflight {
			if x == ctx {
				c.inflight = append(c.inflight[:i], c.inflight[i+1:]...)
				break
			}
		}
	}
}

// related returns the most recent in-flight client request context, or fallback.
func (c *conn) related(fallback context.Context) context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.inflight); n > 0 {
		return c.inflight[n-1]
	}
	return fallback
}

func (c *conn) close() {
	if c != nil && c.cs != nil {
		_ = c.cs.Close()
	}
}
