package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/aggregate"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
)

// backendState is everything the gateway knows about one backend.
type backendState struct {
	def     backend.Backend
	hc      *http.Client
	timeout time.Duration
	breaker *health.Breaker
	tracker *health.Tracker
	stop    context.CancelFunc

	// delegate is the last client identity that used a token_exchange backend;
	// its background checks run on that client's behalf (see probeContext).
	delegate atomic.Pointer[auth.Identity]

	mu     sync.Mutex
	caps   *aggregate.Capabilities // last discovery; nil until discovered
	shared *conn

	// discovering holds a token while a discovery runs: discoveries of one backend
	// run one at a time, so that a later one's result is never overwritten by an
	// earlier one's and the backend sees at most one discovery's four lists at once
	// (each concurrent list is a connection the transport then keeps idle).
	discovering chan struct{}
	// refreshing and refreshAgain (under mu) coalesce the rediscoveries list_changed
	// notifications ask for: a backend announces changes in bursts (server-everything
	// sends several on each new session), and one rediscovery after the last
	// notification seen sees them all.
	refreshing, refreshAgain bool
}

func (b *backendState) capabilities() *aggregate.Capabilities {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.caps
}

// usable reports whether the backend's capabilities are served: discovered and
// not unavailable.
func (b *backendState) usable() bool {
	st := b.tracker.State().Status
	return b.capabilities() != nil && (st == health.StatusReady || st == health.StatusDegraded)
}

// dial opens a backend session owned by owner (nil: the shared session).
func (g *Gateway) dial(ctx context.Context, b *backendState, owner *mcp.ServerSession) (*conn, error) {
	c := &conn{backend: b.def.Name, owner: owner, done: make(chan struct{})}
	client := mcp.NewClient(g.impl, g.clientOptions(c))
	client.AddReceivingMiddleware(countHandled(c))
	if owner != nil {
		client.AddReceivingMiddleware(relayToClient(c))
	}
	// The standalone GET stream carries what a backend sends outside a request; a
	// shared session of a token_exchange backend skips it (it would outlive any
	// client's identity).
	hc := &http.Client{Transport: countingTransport{next: b.hc.Transport, seen: &c.seen}}
	version := ""
	if owner != nil && owner.InitializeParams() != nil {
		version = owner.InitializeParams().ProtocolVersion
	}
	cs, err := backend.Dial(ctx, b.def, hc, client, owner != nil || !b.def.Delegated(), version)
	if err != nil {
		return nil, err
	}
	c.cs = cs
	g.metrics.sessions.WithLabelValues(b.def.Name).Inc()
	go func() {
		_ = cs.Wait()
		close(c.done)
		g.metrics.sessions.WithLabelValues(b.def.Name).Dec()
	}()
	// Let the backend log everything; the client's own level filters what it sees.
	if owner != nil {
		if caps := cs.InitializeResult().Capabilities; caps != nil && caps.Logging != nil {
			_ = cs.SetLoggingLevel(ctx, &mcp.SetLoggingLevelParams{Level: "debug"})
		}
	}
	return c, nil
}

// sharedConn returns the backend's shared session, dialling it when needed.
func (g *Gateway) sharedConn(ctx context.Context, b *backendState) (*conn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shared != nil && b.shared.alive() {
		return b.shared, nil
	}
	c, err := g.dial(ctx, b, nil)
	if err != nil {
		return nil, err
	}
	b.shared = c
	return c, nil
}

// dropSharedConn closes c if it is still b's shared session.
func (g *Gateway) dropSharedConn(b *backendState, c *conn) {
	b.mu.Lock()
	if b.shared != c {
		b.mu.Unlock()
		return
	}
	b.shared = nil
	b.mu.Unlock()
	c.close()
}

func (g *Gateway) dropShared(b *backendState) {
	b.mu.Lock()
	c := b.shared
	b.shared = nil
	b.mu.Unlock()
	c.close()
}

// discover lists the backend's capabilities in parallel over its shared session and
// records them (b.caps), one discovery of b at a time.
func (g *Gateway) discover(ctx context.Context, b *backendState) error {
	select {
	case b.discovering <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("discovering backend %s: waiting for the discovery in progress: %w", b.def.Name, context.Cause(ctx))
	}
	defer func() { <-b.discovering }()
	caps, err := g.list(ctx, b)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.caps = caps
	b.mu.Unlock()
	return nil
}

// list reads all of the backend's lists, concurrently, over its shared session.
func (g *Gateway) list(ctx context.Context, b *backendState) (*aggregate.Capabilities, error) {
	c, err := g.sharedConn(ctx, b)
	if err != nil {
		return nil, err
	}
	sc := c.cs.InitializeResult().Capabilities
	if sc == nil {
		sc = &mcp.ServerCapabilities{}
	}
	caps := &aggregate.Capabilities{}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	run := func(i int, enabled bool, f func() error) {
		if !enabled {
			return
		}
		wg.Go(func() { errs[i] = f() })
	}
	run(0, sc.Tools != nil, func() (err error) { caps.Tools, err = collect(c.cs.Tools(ctx, nil)); return })
	run(1, sc.Prompts != nil, func() (err error) { caps.Prompts, err = collect(c.cs.Prompts(ctx, nil)); return })
	run(2, sc.Resources != nil, func() (err error) { caps.Resources, err = collect(c.cs.Resources(ctx, nil)); return })
	run(3, sc.Resources != nil, func() (err error) {
		caps.Templates, err = collect(c.cs.ResourceTemplates(ctx, nil))
		if isMethodNotFound(err) {
			err = nil // servers with resources need not implement templates (the TypeScript SDK's low-level Server)
		}
		return
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if !c.alive() || ctx.Err() != nil {
			g.dropShared(b)
		}
		return nil, fmt.Errorf("discovering backend %s: %w", b.def.Name, err)
	}
	return caps, nil
}

func isMethodNotFound(err error) bool {
	var rpcErr *jsonrpc.Error
	return errors.As(err, &rpcErr) && rpcErr.Code == jsonrpc.CodeMethodNotFound
}

func collect[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// check runs one health check: rediscovery when the backend has no live shared
// session or was never discovered, otherwise a ping. It updates health, the
// circuit breaker and, on a change of usability, the aggregated lists.
func (g *Gateway) check(ctx context.Context, b *backendState) {
	ctx, ok := probeContext(ctx, b)
	if !ok {
		return // token_exchange backend no client has used yet: nobody to check as
	}
	ctx, cancel := context.WithTimeout(ctx, g.set.hcTimeout)
	defer cancel()
	wasUsable := b.usable()
	err := g.probe(ctx, b)
	if ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled) && g.ctx.Err() != nil {
		return // shutting down
	}
	before, after := b.tracker.Observe(err, time.Now())
	b.breaker.Record(err == nil)
	g.observeState(b)
	if before != after {
		g.log.Info("Backend health changed", zap.String("backend", b.def.Name),
			zap.String("from", string(before)), zap.String("to", string(after)), zap.Error(err))
	}
	if b.usable() != wasUsable {
		g.rebuild()
	}
}

func (g *Gateway) probe(ctx context.Context, b *backendState) error {
	b.mu.Lock()
	live := b.shared != nil && b.shared.alive() && b.caps != nil
	b.mu.Unlock()
	if !live {
		return g.discover(ctx, b)
	}
	c, err := g.sharedConn(ctx, b)
	if err != nil {
		return err
	}
	if err := c.cs.Ping(ctx, nil); err != nil {
		g.dropShared(b) // the next check dials afresh and rediscovers
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// refresh rediscovers a backend after it announced a list change. A notification
// arriving while a rediscovery runs asks for one more after it (which sees every
// change announced so far) rather than a rediscovery of its own.
func (g *Gateway) refresh(b *backendState) {
	b.mu.Lock()
	if b.refreshing {
		b.refreshAgain = true
		b.mu.Unlock()
		return
	}
	b.refreshing = true
	b.mu.Unlock()
	go func() {
		for {
			g.rediscover(b)
			b.mu.Lock()
			if !b.refreshAgain {
				b.refreshing = false
				b.mu.Unlock()
				return
			}
			b.refreshAgain = false
			b.mu.Unlock()
		}
	}()
}

// WaitRediscoveries returns once no backend has a rediscovery running or asked
// for (list_changed), or when ctx ends. A backend announces changes as soon as
// vmcp's session opens (server-everything does), so after Start this tells when
// the start-up burst is over (cmd/vmcp releases its garbage then).
func (g *Gateway) WaitRediscoveries(ctx context.Context) {
	for {
		busy := false
		for _, b := range g.backendList() {
			b.mu.Lock()
			busy = busy || b.refreshing
			b.mu.Unlock()
		}
		if !busy {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (g *Gateway) rediscover(b *backendState) {
	ctx, cancel := context.WithTimeout(g.ctx, b.timeout)
	defer cancel()
	if err := g.discover(ctx, b); err != nil {
		g.log.Warn("Rediscovery after list_changed failed", zap.String("backend", b.def.Name), zap.Error(err))
		return
	}
	g.rebuild()
}

func (g *Gateway) observeState(b *backendState) {
	g.metrics.circuit.WithLabelValues(b.def.Name).Set(circuitValue(b.breaker.State()))
	v := 0.0
	if b.usable() {
		v = 1
	}
	g.metrics.healthy.WithLabelValues(b.def.Name).Set(v)
}

// healthLoop checks b every interval until ctx ends.
func (g *Gateway) healthLoop(ctx context.Context, b *backendState) {
	if b.def.SkipHealthChecks {
		return
	}
	t := time.NewTicker(g.set.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.check(ctx, b)
		}
	}
}
