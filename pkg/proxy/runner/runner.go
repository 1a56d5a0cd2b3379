package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/kubeapi"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/attach"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/bridge"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/legacysse"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/metrics"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/reverse"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/stdio"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/streamable"
	"github.com/mcp-operator/mcp-operator/pkg/ratelimit"
	"github.com/mcp-operator/mcp-operator/pkg/telemetry"
)

// Options configure a Runner beyond the config file.
type Options struct {
	// Logger (nil = none).
	Logger *zap.Logger
	// Authenticator of incoming requests (nil = from the config: OIDC, else anonymous).
	Authenticator auth.Authenticator
	// Authorizer of MCP operations (nil = from the config: Cedar, else allow all).
	Authorizer auth.Authorizer
	// Dialer overrides how the stdio stream is reached (nil = from the config).
	Dialer stdio.Dialer
	// Backoff between stdio redials.
	Backoff bridge.Backoff
	// Guard settings: extra allowed Hosts/Origins and the body limit (0 = default).
	AllowedHosts, AllowedOrigins []string
	MaxBodyBytes                 int64
	// ShutdownTimeout for in-flight requests (0 = default).
	ShutdownTimeout time.Duration
	// StdioStderr receives the stdio server's stderr (nil = logged at debug level).
	StdioStderr io.Writer
}

// Runner is one configured proxy runner.
type Runner struct {
	cfg     *runconfig.Config
	opts    Options
	log     *zap.Logger
	metrics *metrics.Metrics
	handler http.Handler
	sec     *security
	tel     *telemetry.Provider

	bridge     *bridge.Bridge
	streamable *streamable.Handler
	legacy     *legacysse.Handler
	status     func() (bool, string)
}

// New builds the runner for cfg (already defaulted and validated).
func New(cfg *runconfig.Config, opts Options) (*Runner, error) {
	r := &Runner{cfg: cfg, opts: opts, log: opts.Logger, metrics: metrics.New()}
	if r.log == nil {
		r.log = zap.NewNop()
	}
	sec, err := newSecurity(cfg, opts, r.log)
	if err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}
	r.sec = sec
	if r.tel, err = telemetry.New(context.Background(), cfg.Telemetry); err != nil {
		return nil, err
	}
	mcp, err := r.mcpHandler()
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/health", r.metrics.Instrument("/health", http.HandlerFunc(r.health)))
	if cfg.ServesPrometheus() {
		mux.Handle("/metrics", r.metrics.Handler())
	}
	if sec.metadata != nil {
		// RFC 9728: clients fetch this before they have a token.
		md := r.guard().Wrap(sec.metadata.MetadataHandler())
		mux.Handle(oidc.MetadataPath, md)
		mux.Handle(oidc.MetadataPath+"/", md)
	}
	for path, h := range mcp {
		mux.Handle(path, r.metrics.Instrument(path, r.tel.Middleware(r.protect(h))))
	}
	r.handler = mux
	return r, nil
}

// Handler is the runner's HTTP handler (for tests with httptest).
func (r *Runner) Handler() http.Handler { return r.handler }

// Metrics exposes the collectors (for tests).
func (r *Runner) Metrics() *metrics.Metrics { return r.metrics }

// Status reports upstream health.
func (r *Runner) Status() (bool, string) { return r.status() }

// protect puts the guard, authentication, rate limits and the MCP policy
// (authorization, tool view, audit) in front of an MCP route.
func (r *Runner) protect(h http.Handler) http.Handler {
	return r.guard().Wrap(auth.Middleware(r.sec.authn, "", ratelimit.Middleware(r.sec.limiter, nil, r.sec.policy(h))))
}

func (r *Runner) guard() httpserver.Guard {
	limit := r.opts.MaxBodyBytes
	if r.cfg.MaxRequestBodySize > 0 {
		limit = r.cfg.MaxRequestBodySize
	}
	return httpserver.Guard{
		LoopbackOnly:   httpserver.IsLoopbackHost(r.cfg.Host),
		AllowedHosts:   r.opts.AllowedHosts,
		AllowedOrigins: r.opts.AllowedOrigins,
		MaxBodyBytes:   limit,
	}
}

// mcpHandler returns the MCP routes for the configured transport.
func (r *Runner) mcpHandler() (map[string]http.Handler, error) {
	if r.cfg.Transport != runconfig.TransportStdio {
		return r.reverseRoutes()
	}
	d := r.opts.Dialer
	if d == nil {
		var err error
		if d, err = r.dialer(); err != nil {
			return nil, err
		}
	}
	r.bridge = bridge.New(bridge.Options{
		Dialer: d, Logger: r.log, Backoff: r.opts.Backoff,
		OnRestart: r.metrics.StdioRestarts.Inc,
		OnState: func(up bool) {
			r.metrics.UpstreamUp.Set(map[bool]float64{true: 1}[up])
		},
	})
	r.status = r.bridge.Status
	if r.cfg.ProxyMode == runconfig.TransportSSE {
		h := legacysse.New(r.bridge)
		h.EndpointPrefix = r.cfg.EndpointPrefix
		r.legacy = h
		return map[string]http.Handler{
			"/sse":                       http.HandlerFunc(h.Stream),
			legacysse.MessagesPath:       http.HandlerFunc(h.Messages),
			legacysse.MessagesPath + "/": http.HandlerFunc(h.Messages),
		}, nil
	}
	r.streamable = streamable.New(r.bridge, streamable.Options{Logger: r.log})
	return map[string]http.Handler{"/mcp": r.streamable}, nil
}

func (r *Runner) reverseRoutes() (map[string]http.Handler, error) {
	var plain, env map[string]string
	if hf := r.cfg.HeaderForward; hf != nil {
		plain, env = hf.Plaintext, hf.FromEnv
	}
	headers, err := reverse.ResolveHeaders(plain, env)
	if err != nil {
		return nil, err
	}
	var readTimeout time.Duration
	if r.cfg.ProxyReadTimeout != "" {
		if readTimeout, err = time.ParseDuration(r.cfg.ProxyReadTimeout); err != nil {
			return nil, fmt.Errorf("proxyReadTimeout %q: %w", r.cfg.ProxyReadTimeout, err)
		}
	}
	rp, err := reverse.New(reverse.Options{
		Target: r.cfg.Target, Headers: headers, Logger: r.log, ReadTimeout: readTimeout,
		OnError: func() { r.metrics.Errors.WithLabelValues("upstream").Inc() },
	})
	if err != nil {
		return nil, err
	}
	chk, err := reverse.NewChecker(r.cfg.Target)
	if err != nil {
		return nil, err
	}
	r.status = func() (bool, string) {
		up, reason := chk.Status()
		r.metrics.UpstreamUp.Set(map[bool]float64{true: 1}[up])
		return up, reason
	}
	return map[string]http.Handler{"/": rp}, nil
}

// dialer picks the stdio stream: a subprocess when a command is configured,
// else pods/attach to the workload's pod.
func (r *Runner) dialer() (stdio.Dialer, error) {
	s := r.cfg.Stdio
	stderr := r.opts.StdioStderr
	if stderr == nil {
		stderr = &logWriter{log: r.log}
	}
	if s.Command != "" {
		return &stdio.Subprocess{Command: s.Command, Args: s.Args, Stderr: stderr}, nil
	}
	cfg, err := kubeapi.RESTConfig()
	if err != nil {
		return nil, err
	}
	d, err := attach.NewDialer(cfg, r.cfg.PodNamespace(), s.Pod, s.Container)
	if err != nil {
		return nil, err
	}
	d.Stderr = stderr
	return d, nil
}

func (r *Runner) health(w http.ResponseWriter, _ *http.Request) {
	up, reason := r.status()
	w.Header().Set("Content-Type", "application/json")
	if !up {
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "reason": reason})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
}

// Run serves on l (or on cfg.Host:cfg.ProxyPort when l is nil) until ctx ends,
// then shuts down gracefully.
func (r *Runner) Run(ctx context.Context, l net.Listener) error {
	if l == nil {
		var err error
		addr := net.JoinHostPort(r.cfg.Host, strconv.Itoa(int(r.cfg.ProxyPort)))
		if l, err = net.Listen("tcp", addr); err != nil {
			return fmt.Errorf("listen on %s: %w", addr, err)
		}
	}
	// The bridge outlives the HTTP server so that requests in flight at shutdown
	// still get their answers.
	bctx, stopBridge := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBridge()
	var wg sync.WaitGroup
	if r.bridge != nil {
		wg.Add(1)
		go func() { defer wg.Done(); _ = r.bridge.Run(bctx) }()
	}
	if r.streamable != nil {
		wg.Add(1)
		go func() { defer wg.Done(); r.streamable.Run(ctx) }()
	}
	if r.legacy != nil {
		go func() { <-ctx.Done(); r.legacy.Shutdown() }()
	}
	// The reporter needs the bridge running, and stops with the HTTP server.
	rctx, stopReport := context.WithCancel(ctx)
	defer stopReport()
	waitReport := r.startToolReport(rctx)
	r.log.Info("Proxy runner listening", zap.String("address", l.Addr().String()),
		zap.String("transport", r.cfg.Transport), zap.String("proxyMode", r.cfg.ProxyMode))
	err := httpserver.Serve(ctx, &http.Server{Handler: r.handler}, l, r.opts.ShutdownTimeout)
	if r.streamable != nil {
		r.streamable.CloseAll()
	}
	stopReport()
	waitReport()
	stopBridge()
	wg.Wait()
	// Flush the spans and metrics still buffered; a bounded wait, as the pod is stopping.
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if terr := r.tel.Shutdown(tctx); terr != nil {
		r.log.Warn("Telemetry flush failed", zap.Error(terr))
	}
	return err
}

// logWriter logs each write (a server's stderr) at debug level.
type logWriter struct{ log *zap.Logger }

func (l *logWriter) Write(p []byte) (int, error) {
	l.log.Debug("MCP server stderr", zap.ByteString("output", p))
	return len(p), nil
}
