package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
)

var timeNow = time.Now

// invoke sends one request to backend name on behalf of ss, applying the circuit
// breaker, the backend's timeout and metrics. A JSON-RPC error from the backend
// proves it alive and is passed through unchanged; transport errors and timeouts
// count as failures.
func invoke[T any](ctx context.Context, g *Gateway, ss *mcp.ServerSession, name, method string,
	do func(context.Context, *conn) (T, error)) (T, error) {
	var zero T
	b := g.backend(name)
	if b == nil {
		return zero, unavailable("backend %s is not configured", name)
	}
	if b.tracker.State().Status == health.StatusUnavailable {
		return zero, unavailable("backend %s is unavailable", name)
	}
	m := g.metrics
	if !b.breaker.Allow() {
		m.errors.WithLabelValues(name, method).Inc()
		return zero, unavailable("backend %s: circuit breaker is open", name)
	}
	res, c, drop, err := attempt(ctx, g, ss, b, method, do)
	if err != nil && errors.Is(err, mcp.ErrConnectionClosed) && ctx.Err() == nil {
		// The backend session was gone (backend restarted or closed the stream): the
		// request could not be answered on it. Retry once on a fresh session.
		drop()
		res, c, drop, err = attempt(ctx, g, ss, b, method, do)
	}
	if c == nil {
		b.breaker.Record(false)
		g.observeState(b)
		m.errors.WithLabelValues(name, method).Inc()
		return zero, unavailable("backend %s: %v", name, err)
	}
	var rpcErr *jsonrpc.Error
	backendAlive := err == nil || errors.As(err, &rpcErr) || ctx.Err() != nil
	b.breaker.Record(backendAlive)
	g.observeState(b)
	if err == nil || rpcErr != nil {
		return res, err
	}
	m.errors.WithLabelValues(name, method).Inc()
	if !c.alive() || errors.Is(err, mcp.ErrConnectionClosed) {
		drop()
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return zero, unavailable("backend %s: no answer within %s", name, b.timeout)
	}
	return zero, unavailable("backend %s: %v", name, err)
}

// attempt sends one request over the session serving ss; c is nil when no session
// could be opened.
func attempt[T any](ctx context.Context, g *Gateway, ss *mcp.ServerSession, b *backendState, method string,
	do func(context.Context, *conn) (T, error)) (res T, c *conn, drop func(), err error) {
	c, drop, err = g.connFor(ctx, ss, b)
	if err != nil {
		return res, nil, func() {}, err
	}
	cctx, cancel := detached(ctx, b.timeout)
	defer cancel()
	end := c.begin(ctx)
	start := timeNow()
	res, err = do(cctx, c)
	c.settle()
	end()
	g.metrics.requests.WithLabelValues(b.def.Name, method).Inc()
	g.metrics.latency.WithLabelValues(b.def.Name, method).Observe(time.Since(start).Seconds())
	if err != nil && cctx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return res, c, drop, err
}

// detached returns a context cancelled with ctx (client cancellation reaches the
// backend) and after timeout, but carrying none of ctx's values: the SDK reads the
// client's protocol version and request id from context values, and those must
// not leak into the backend session.
func detached(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	// The caller's identity is the one value kept: token_exchange backends need it.
	c, cancel := context.WithTimeout(withIdentityOf(context.Background(), ctx), timeout)
	stop := context.AfterFunc(ctx, cancel)
	return c, func() { stop(); cancel() }
}

func unavailable(format string, args ...any) error {
	return &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: fmt.Sprintf(format, args...)}
}
