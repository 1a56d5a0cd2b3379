package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/ratelimit"
)

// protocolHeader carries the client's MCP protocol version on every request after
// initialization.
const protocolHeader = "Mcp-Protocol-Version"

// jsonrpcServerBusy is the JSON-RPC server error code of a refused initialize.
const jsonrpcServerBusy = -32000

// statelessVersion is the first protocol version without sessions (SEP-2575).
const statelessVersion = "2026-07-28"

// HTTPOptions configure the HTTP side of the gateway.
type HTTPOptions struct {
	// Guard validates Host/Origin and limits bodies.
	Guard httpserver.Guard
	// Authenticator authenticates /mcp requests; nil means anonymous.
	Authenticator auth.Authenticator
	// SessionTimeout closes idle client sessions (and their backend sessions); 0
	// means operational.sessions.idleTimeout.
	SessionTimeout time.Duration
}

// HTTP server timeouts of NewHTTPServer. ReadTimeout bounds reading a request
// (headers and body); the streams of /mcp then lift it, since an SSE answer or
// a standalone stream lives as long as its call or session.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 2 * time.Minute
)

// NewHTTPServer returns the http.Server for h with vmcp's timeouts.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout, IdleTimeout: idleTimeout}
}

// liftReadDeadline reads a request's body into memory (the Guard bounds its
// size) and then clears the connection's read deadline, so that ReadTimeout
// bounds reading the request but not the stream that answers it.
func liftReadDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Method == http.MethodPost {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = &memBody{Reader: bytes.NewReader(body), data: body}
		}
		_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
		next.ServeHTTP(w, r)
	})
}

// heldBody is the POST body liftReadDeadline holds in memory, read without consuming it.
func heldBody(r *http.Request) ([]byte, error) {
	if mb, ok := r.Body.(*memBody); ok {
		return mb.data, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = &memBody{Reader: bytes.NewReader(body), data: body}
	return body, nil
}

// sessionsFull reports whether a new client session would exceed operational.sessions.maxSessions.
func (g *Gateway) sessionsFull() bool {
	if g.set.maxSessions <= 0 {
		return false
	}
	return int(g.clientSessionCount()) >= g.set.maxSessions
}

// Handler returns the HTTP handler serving /mcp, /health, /readyz and /metrics.
// Session-based protocol versions are served statefully; requests of the
// stateless protocol (2026-07-28 and later) by a stateless handler over the same
// MCP server.
func (g *Gateway) Handler(o HTTPOptions) http.Handler {
	if o.SessionTimeout == 0 {
		o.SessionTimeout = g.set.idle
	}
	if o.Authenticator == nil {
		o.Authenticator = auth.Anonymous{}
	}
	getServer := func(*http.Request) *mcp.Server { return g.server }
	// Idle sessions are expired by g.tracker, which also sees fast-path requests.
	stateful := mcp.NewStreamableHTTPHandler(getServer, &mcp.StreamableHTTPOptions{
		DisableLocalhostProtection: true, MaxRequestBodyBytes: -1,
	})
	go g.tracker.expireLoop(o.SessionTimeout, g.server, g.ctx.Done())
	if g.shared != nil {
		go g.subscribeDeletions()
	}
	stateless := mcp.NewStreamableHTTPHandler(getServer, &mcp.StreamableHTTPOptions{
		Stateless: true, DisableLocalhostProtection: true, MaxRequestBodyBytes: -1,
	})
	mcpHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			g.posts.Add(1)
			defer g.posts.Add(-1)
		}
		sid := r.Header.Get("Mcp-Session-Id")
		if sid == "" && r.Header.Get(protocolHeader) >= statelessVersion {
			if r.Method == http.MethodPost && g.statelessFastPath(w, r) {
				return
			}
			stateless.ServeHTTP(w, r)
			return
		}
		if sid == "" {
			if r.Method == http.MethodPost && g.sessionsFull() {
				w.Header().Set("Retry-After", "30")
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"jsonrpc": "2.0", "id": nil,
					"error": map[string]any{"code": jsonrpcServerBusy, "message": fmt.Sprintf(
						"vmcp: the session limit (operational.sessions.maxSessions = %d) is reached; retry later or raise it", g.set.maxSessions)}})
				return
			}
			stateful.ServeHTTP(&sessionIDRecorder{ResponseWriter: w, t: &g.tracker, r: r}, r)
			return
		}
		if g.shared != nil && g.tracker.lookup(sid) == nil && !g.takeOver(w, r, sid) {
			return
		}
		end, ok := g.tracker.begin(sid, r)
		if !ok { // another identity's session: as unknown as any other id
			http.Error(w, "session not found", http.StatusNotFound)
			return
		}
		defer end()
		if g.shared != nil {
			g.touch(sid)
		}
		if r.Method == http.MethodPost && g.fastPath(w, r, sid) {
			return
		}
		if g.shared != nil && g.serveTakenOver(w, r, sid) {
			if r.Method == http.MethodDelete {
				g.forget(sid)
			}
			return
		}
		stateful.ServeHTTP(w, r)
		if r.Method == http.MethodDelete {
			g.tracker.sweep(g.server) // the fast path must not serve the deleted session
			if g.shared != nil {
				g.forget(sid)
			}
		}
	})
	mux := http.NewServeMux()
	// Telemetry is outermost so that its span covers authentication and the fast path.
	mux.Handle("/mcp", g.tel.Middleware(liftReadDeadline(auth.Middleware(o.Authenticator, "", g.idents.wrap(ratelimit.Middleware(g.limiter, heldBody, g.passthroughHTTP(preserveIDs(mcpHandler))))))))
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/readyz", g.serveReady)
	if onTransport, _ := g.metricsPlacement(); onTransport {
		mux.Handle("/metrics", g.MetricsHandler())
	}
	return o.Guard.Wrap(mux)
}

// MetricsHandler serves the gateway's Prometheus metrics.
func (g *Gateway) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(g.registry, promhttp.HandlerOpts{})
}

// MetricsPort is telemetry.prometheusPort when /metrics is also served on a port of its
// own (0 = not).
func (g *Gateway) MetricsPort() int {
	_, port := g.metricsPlacement()
	return port
}

// metricsPlacement decides where /metrics is served. A telemetry section turns it off
// unless enablePrometheusMetricsPath, as upstream; then prometheusPort adds a port of its
// own, and metricsOnTransportPort (default true) keeps it on the MCP port too.
func (g *Gateway) metricsPlacement() (onTransport bool, port int) {
	t := g.cfg.Telemetry
	if t == nil {
		return true, 0
	}
	if !deref(t.EnablePrometheusMetricsPath) {
		return false, 0
	}
	if t.PrometheusPort != nil {
		port = int(*t.PrometheusPort)
	}
	return t.MetricsOnTransportPort == nil || *t.MetricsOnTransportPort, port
}

// redisPingTimeout bounds /readyz's check of the shared session storage.
const redisPingTimeout = 2 * time.Second

func (g *Gateway) serveReady(w http.ResponseWriter, r *http.Request) {
	ok, msg := g.Ready()
	body := map[string]any{}
	if g.shared != nil {
		// A replica that cannot reach Redis can neither record new sessions nor
		// take over others': not ready, whatever its backends.
		ctx, cancel := context.WithTimeout(r.Context(), redisPingTimeout)
		err := g.shared.store.Ping(ctx)
		cancel()
		storage := map[string]any{"provider": "redis", "reachable": err == nil}
		if err != nil {
			storage["message"] = err.Error()
			if ok {
				msg = ""
			}
			ok, msg = false, strings.TrimSpace(msg+" session storage (redis) unreachable: "+err.Error())
		}
		body["sessionStorage"] = storage
	}
	code := http.StatusOK
	if !ok {
		code = http.StatusServiceUnavailable
	}
	type backend struct {
		Name, Status, Circuit, Message string
	}
	var bs []backend
	for _, s := range g.Snapshots() {
		bs = append(bs, backend{Name: s.Name, Status: string(s.Status), Circuit: string(s.CircuitBreakerState), Message: s.Message})
	}
	body["ready"], body["message"], body["backends"] = ok, strings.TrimSpace(msg), bs
	writeJSON(w, code, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
