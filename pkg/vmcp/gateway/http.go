package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
)

// protocolHeader carries the client's MCP protocol version on every request after
// initialization.
const protocolHeader = "Mcp-Protocol-Version"

// statelessVersion is the first protocol version without sessions (SEP-2575).
const statelessVersion = "2026-07-28"

// HTTPOptions configure the HTTP side of the gateway.
type HTTPOptions struct {
	// Guard validates Host/Origin and limits bodies.
	Guard httpserver.Guard
	// Authenticator authenticates /mcp requests; nil means anonymous.
	Authenticator auth.Authenticator
	// SessionTimeout closes idle client sessions (and their backend sessions); 0 means 30m.
	SessionTimeout time.Duration
}

// Handler returns the HTTP handler serving /mcp, /health, /readyz and /metrics.
// Session-based protocol versions are served statefully; requests of the
// stateless protocol (2026-07-28 and later) by a stateless handler over the same
// MCP server.
func (g *Gateway) Handler(o HTTPOptions) http.Handler {
	if o.SessionTimeout == 0 {
		o.SessionTimeout = 30 * time.Minute
	}
	if o.Authenticator == nil {
		o.Authenticator = auth.Anonymous{}
	}
	getServer := func(*http.Request) *mcp.Server { return g.server }
	stateful := mcp.NewStreamableHTTPHandler(getServer, &mcp.StreamableHTTPOptions{
		SessionTimeout: o.SessionTimeout, DisableLocalhostProtection: true, MaxRequestBodyBytes: -1,
	})
	stateless := mcp.NewStreamableHTTPHandler(getServer, &mcp.StreamableHTTPOptions{
		Stateless: true, DisableLocalhostProtection: true, MaxRequestBodyBytes: -1,
	})
	mcpHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			g.posts.Add(1)
			defer g.posts.Add(-1)
		}
		if r.Header.Get("Mcp-Session-Id") == "" && r.Header.Get(protocolHeader) >= statelessVersion {
			stateless.ServeHTTP(w, r)
			return
		}
		stateful.ServeHTTP(w, r)
	})
	mux := http.NewServeMux()
	mux.Handle("/mcp", auth.Middleware(o.Authenticator, "", g.idents.wrap(preserveIDs(mcpHandler))))
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/readyz", g.serveReady)
	mux.Handle("/metrics", promhttp.HandlerFor(g.registry, promhttp.HandlerOpts{}))
	return o.Guard.Wrap(mux)
}

func (g *Gateway) serveReady(w http.ResponseWriter, _ *http.Request) {
	ok, msg := g.Ready()
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
	writeJSON(w, code, map[string]any{"ready": ok, "message": strings.TrimSpace(msg), "backends": bs})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
