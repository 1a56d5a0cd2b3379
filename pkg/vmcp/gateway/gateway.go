package gateway

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/ratelimit"
	"github.com/mcp-operator/mcp-operator/pkg/telemetry"
	"github.com/mcp-operator/mcp-operator/pkg/version"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/authz"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/composite"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

// Version is reported to clients and backends as the implementation version.
var Version = version.Version

// Options configure a Gateway.
type Options struct {
	// Config is the validated vmcp configuration.
	Config *config.Config
	// Source provides the backends; nil means the config's static backends.
	Source backend.Source
	// Logger; nil means no logging.
	Logger *zap.Logger
	// Authorizer gates calls and filters lists; nil allows everything.
	Authorizer auth.Authorizer
	// Registry receives the Prometheus metrics; nil means a new registry.
	Registry *prometheus.Registry
}

// Gateway is a running vmcp. Create it with New, start it with Start.
type Gateway struct {
	cfg      *config.Config
	set      settings
	source   backend.Source
	log      *zap.Logger
	authz    auth.Authorizer
	registry *prometheus.Registry
	metrics  *metrics
	impl     *mcp.Implementation
	// serverInfoJSON is impl as the _meta member of a 2026-07-28 result (serverInfo).
	serverInfoJSON []byte
	serverInfoOnce sync.Once
	server         *mcp.Server
	progress       progressRouter
	// composites are the compiled composite tools, published by rebuild.
	composites []*composite.Workflow
	// suspended holds composite calls waiting for the client's answers.
	suspended suspendedCalls
	// opt is the optimizer (find_tool / call_tool mode); nil when off.
	opt *vmcpoptimizer.Adapter
	// optTools is set once find_tool and call_tool are registered.
	optTools atomic.Bool

	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	backends map[string]*backendState
	sessions map[*mcp.ServerSession]*clientSession

	routesMu sync.Mutex // serializes rebuild
	routes   atomic.Pointer[routeTable]
	aggErr   atomic.Pointer[error]
	// published is the server's tool set (under routesMu) and toolList its
	// encoded tools/list pages (nil while it changes).
	published  publishedTools
	toolList   atomic.Pointer[toolPages]
	discovered atomic.Bool
	posts      atomic.Int64 // MCP POST requests in flight
	idents     identities   // identities of the HTTP requests being served
	tracker    sessionTracker
	fast       fastCalls           // fast-path calls in flight
	levels     logLevels           // logging/setLevel of each client session
	tel        *telemetry.Provider // OTLP traces and metrics of /mcp (config telemetry)
	// shared is the shared session storage (Redis); nil for memory.
	shared *sharedSessions
	// limiter is the config's rateLimiting buckets (nil = no limits).
	limiter *ratelimit.Limiter
	// audit writes config audit's events (nil = audit off).
	audit *auditor
}

// New builds a gateway; it contacts no backend until Start.
func New(o Options) (*Gateway, error) {
	if o.Config == nil {
		return nil, fmt.Errorf("gateway: a config is required")
	}
	// The one place vmcp defaults its config (Parse already did; a caller may not have):
	// what is validated here is what the operator validated.
	o.Config.Normalize()
	if err := o.Config.Validate(); err != nil {
		return nil, err
	}
	composites, err := compileComposites(o.Config)
	if err != nil {
		return nil, err
	}
	g := &Gateway{
		cfg: o.Config, set: parseSettings(o.Config), source: o.Source, log: o.Logger,
		authz: o.Authorizer, registry: o.Registry,
		backends: map[string]*backendState{}, sessions: map[*mcp.ServerSession]*clientSession{},
		composites: composites,
	}
	if g.source == nil {
		g.source = backend.NewStatic(backend.FromConfig(o.Config))
	}
	if g.log == nil {
		g.log = zap.NewNop()
	}
	if g.authz == nil {
		a, err := authorizerFor(o.Config)
		if err != nil {
			return nil, err
		}
		g.authz = a
	}
	own := g.registry == nil
	if own {
		g.registry = prometheus.NewRegistry()
	}
	g.metrics = newMetrics(g.registry, g.set.longestTimeout(), own, g.clientSessionCount)
	g.metrics.registerCompositeMetrics(g.registry, longestCompositeTimeout(g.set, composites))
	if g.shared, err = newShared(o.Config, g.set.idle); err != nil {
		return nil, err
	}
	if g.limiter, err = ratelimit.New(o.Config.RateLimiting); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := g.enableOptimizer(); err != nil {
		return nil, err
	}
	name := o.Config.Name
	if g.audit, err = newAuditor(o.Config.Audit, name, g.log); err != nil {
		return nil, err
	}
	if err := g.startTelemetry(); err != nil {
		return nil, err
	}
	g.impl = &mcp.Implementation{Name: name, Version: Version}
	g.server = mcp.NewServer(g.impl, g.serverOptions())
	g.server.AddReceivingMiddleware(g.attachMiddleware, g.levelMiddleware, g.policyMiddleware)
	// Outermost: discovery before the policy checks; audit sees the caller.
	g.server.AddReceivingMiddleware(g.identityMiddleware, g.auditMiddleware)
	g.routes.Store(&routeTable{})
	g.tracker.onEnd = func(ss *mcp.ServerSession) {
		g.levels.m.Delete(ss)
		if g.shared != nil {
			g.shared.transports.Delete(ss.ID())
		}
	}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	return g, nil
}

// clientSessionCount counts the open client sessions.
func (g *Gateway) clientSessionCount() float64 {
	n := 0
	for range g.server.Sessions() {
		n++
	}
	return float64(n)
}

// Server returns the MCP server (for tests and embedding).
func (g *Gateway) Server() *mcp.Server { return g.server }

// Start discovers every backend (bounded by each backend's timeout), publishes the
// aggregated capabilities and starts health checks and source watching. It returns
// after the initial discovery; background work stops when ctx ends or Close is called.
// Start may run in its own goroutine while the HTTP server already serves /health.
func (g *Gateway) Start(ctx context.Context) {
	context.AfterFunc(ctx, g.cancel)
	g.syncBackends()
	g.discovered.Store(true)
	go g.watchSource()
}

// Close stops background work and closes every backend session.
func (g *Gateway) Close() {
	g.cancel()
	g.mu.Lock()
	sessions := make([]*clientSession, 0, len(g.sessions))
	for _, s := range g.sessions {
		sessions = append(sessions, s)
	}
	backends := make([]*backendState, 0, len(g.backends))
	for _, b := range g.backends {
		backends = append(backends, b)
	}
	g.mu.Unlock()
	for _, s := range sessions {
		s.closeAll()
	}
	for _, b := range backends {
		g.dropShared(b)
	}
	g.stopTelemetry()
	if g.shared != nil {
		_ = g.shared.store.Close()
	}
}

// CloseSessions waits (up to a minute) until no MCP POST is in flight, then closes
// every client session and with them their backend sessions. Use it when shutting
// down: it ends the long-lived SSE streams without cutting off a call's answer.
func (g *Gateway) CloseSessions() {
	for deadline := time.Now().Add(time.Minute); g.posts.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	var wg sync.WaitGroup
	for ss := range g.server.Sessions() {
		wg.Go(func() { _ = ss.Close() })
	}
	wg.Wait()
}

// authorizerFor builds the authorizer of incomingAuth.authz (Cedar) or allows all.
func authorizerFor(c *config.Config) (auth.Authorizer, error) {
	if a := c.IncomingAuth; a != nil && a.Authz != nil && a.Authz.Type == config.AuthzCedar {
		return authz.New(a.Authz.Policies, a.Authz.EntitiesJSON)
	}
	return auth.AllowAll{}, nil
}

func (g *Gateway) watchSource() {
	for {
		select {
		case <-g.ctx.Done():
			return
		case <-g.source.Changed():
			g.syncBackends()
		}
	}
}

// syncBackends reconciles the backend set with the source: new backends are
// discovered and health-checked, removed ones stopped and closed, and the lists
// rebuilt (which sends list_changed to live sessions).
func (g *Gateway) syncBackends() {
	want := map[string]backend.Backend{}
	for _, b := range g.source.Backends() {
		want[b.Name] = b
	}
	g.mu.Lock()
	var removed, added []*backendState
	for name, b := range g.backends {
		if nb, ok := want[name]; !ok || !sameBackend(nb, b.def) {
			removed = append(removed, b)
			delete(g.backends, name)
		}
	}
	for name, def := range want {
		if _, ok := g.backends[name]; ok {
			continue
		}
		b, err := g.newBackend(def)
		if err != nil {
			g.log.Error("Backend cannot be used", zap.String("backend", name), zap.Error(err))
			continue
		}
		g.backends[name] = b
		added = append(added, b)
	}
	g.mu.Unlock()
	for _, b := range removed {
		b.stop()
		g.dropShared(b)
		g.closeBackendSessions(b.def.Name)
	}
	var wg sync.WaitGroup
	for _, b := range added {
		wg.Go(func() { g.initialCheck(b) })
	}
	wg.Wait()
	for _, b := range added {
		bctx, cancel := context.WithCancel(g.ctx)
		b.stop = cancel
		go g.healthLoop(bctx, b)
	}
	g.rebuild()
}

// sameBackend reports whether two definitions describe the same backend, comparing
// what pointers point to (a source may build fresh Auth values on every change).
func sameBackend(a, b backend.Backend) bool {
	return reflect.DeepEqual(a, b)
}

func (g *Gateway) newBackend(def backend.Backend) (*backendState, error) {
	hc, err := backend.HTTPClient(def)
	if err != nil {
		return nil, err
	}
	return &backendState{
		def: def, hc: hc, timeout: g.set.timeoutFor(def.Name),
		breaker:     health.NewBreaker(g.set.cbEnabled, g.set.cbThreshold, g.set.cbTimeout, nil),
		tracker:     health.NewTracker(g.set.threshold),
		stop:        func() {},
		discovering: make(chan struct{}, 1),
	}, nil
}

// initialCheck discovers a new backend, bounded by its timeout.
func (g *Gateway) initialCheck(b *backendState) {
	ctx, ok := probeContext(g.ctx, b)
	if !ok {
		return // token_exchange: discovered for the first client (identityMiddleware)
	}
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	err := g.discover(ctx, b)
	if err != nil {
		g.log.Warn("Backend discovery failed", zap.String("backend", b.def.Name), zap.Error(err))
	}
	b.tracker.Observe(err, timeNow())
	b.breaker.Record(err == nil)
	g.observeState(b)
}

func (g *Gateway) backend(name string) *backendState {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.backends[name]
}

func (g *Gateway) backendList() []*backendState {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]*backendState, 0, len(g.backends))
	for _, b := range g.backends {
		out = append(out, b)
	}
	return out
}
