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

	// seen counts the notifications read from the backend (countingTransport),
	// handled those its handlers have dealt with; see settle.
	seen, handled atomic.Int64

	mu       sync.Mutex
	inflight []context.Context
}

// settle waits until every notification read from the backend so far has been
// handled (forwarded to its client), for at most a short while. The SDK delivers
// a response as soon as it is read but hands notifications read just before it
// to a handler goroutine; without this, the last progress or log message of a
// call could be forwarded after the call's own response stream closed. Calls
// without notifications never wait.
func (c *conn) settle() {
	const step, limit = 200 * time.Microsecond, 100 * time.Millisecond
	for deadline := time.Now().Add(limit); c.handled.Load() < c.seen.Load() && time.Now().Before(deadline); {
		time.Sleep(step)
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

// relatedTo returns a context that is cancelled with ctx (the backend's request:
// its cancellation reaches the client) and carries the values of the most recent
// in-flight client request, so the SDK sends the request on that request's stream.
func (c *conn) relatedTo(ctx context.Context) context.Context {
	// Without one (a fast-path call, or none at all), no values: the SDK would
	// read ctx's own (the backend request's id) as a request of the client's.
	return valuesOf{Context: ctx, values: c.related(context.Background())}
}

// valuesOf is a context with the deadline and cancellation of Context and the values of values.
type valuesOf struct {
	context.Context
	values context.Context
}

func (v valuesOf) Value(key any) any { return v.values.Value(key) }

func (c *conn) close() {
	if c != nil && c.cs != nil {
		_ = c.cs.Close()
	}
}
