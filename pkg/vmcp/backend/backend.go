package backend

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/ssrf"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Backend is one MCP server behind the gateway.
type Backend struct {
	// Name is the workload name used in prefixes, filters and priority orders.
	Name string
	// URL of the MCP endpoint (sse, streamable-http).
	URL string
	// Transport to reach it.
	Transport config.Transport
	// Command, Args and Env start a stdio backend.
	Command string
	Args    []string
	Env     map[string]string
	// Auth is the outgoing authentication strategy; nil means unauthenticated.
	Auth *config.BackendAuthStrategy
	// Headers are added to every request (an MCPServerEntry's headerForward
	// addPlaintextHeaders): header name to literal value.
	Headers map[string]string
	// HeaderEnv are headers whose values are read from environment variables (an
	// MCPServerEntry's addHeadersFromSecret, which the operator puts in the pod's env):
	// header name to variable name.
	HeaderEnv map[string]string
	// CABundle is PEM CA certificates that verify the backend's TLS certificate in
	// place of the system roots (an MCPServerEntry's caBundleRef).
	CABundle []byte
	// SkipHealthChecks turns the periodic health checks off (discovery and calls
	// still happen): remote workloads in Kubernetes mode unless the vmcp pod sets
	// TOOLHIVE_REMOTE_HEALTHCHECKS=true, as the original documents.
	SkipHealthChecks bool
}

// Shared reports whether the backend's sessions are shared by all clients: a stdio
// backend is one subprocess, so every client uses its single session.
func (b Backend) Shared() bool { return b.Transport == config.TransportStdio }

// Source is the set of backends, which may change at runtime (Kubernetes mode).
type Source interface {
	// Backends returns the current backends.
	Backends() []Backend
	// Changed is signalled (without blocking) whenever Backends may return a different set.
	Changed() <-chan struct{}
}

// Static is a Source whose set changes only when Set is called.
type Static struct {
	mu       sync.Mutex
	backends []Backend
	changed  chan struct{}
}

// NewStatic returns a source holding backends.
func NewStatic(backends []Backend) *Static {
	return &Static{backends: slices.Clone(backends), changed: make(chan struct{}, 1)}
}

// FromConfig builds the static backends of a config, resolving each one's outgoing auth.
func FromConfig(c *config.Config) []Backend {
	var out []Backend
	for _, sb := range c.Backends {
		out = append(out, Backend{
			Name: sb.Name, URL: sb.URL, Transport: sb.Transport,
			Command: sb.Command, Args: sb.Args, Env: sb.Env,
			Auth: authFor(c.OutgoingAuth, sb.Name),
		})
	}
	return out
}

func authFor(o *config.OutgoingAuth, name string) *config.BackendAuthStrategy {
	if o == nil {
		return nil
	}
	if s, ok := o.Backends[name]; ok {
		return &s
	}
	return o.Default
}

// Backends implements Source.
func (s *Static) Backends() []Backend {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.backends)
}

// Changed implements Source.
func (s *Static) Changed() <-chan struct{} { return s.changed }

// Set replaces the backends and signals the change.
func (s *Static) Set(backends []Backend) {
	s.mu.Lock()
	s.backends = slices.Clone(backends)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// sharedTransport keeps enough idle connections per backend for concurrent calls
// (net/http keeps only 2 by default, which would reopen connections under load), and
// dials through the connect-time SSRF guard (ssrf.EnvDialer).
var sharedTransport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = ssrf.EnvDialer().DialContext
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 256
	t.IdleConnTimeout = 90 * time.Second
	return t
}()

// HTTPClient returns the client used for b's requests, carrying its outgoing
// authentication. Secrets are read from the environment once, here.
func HTTPClient(b Backend) (*http.Client, error) {
	var rt http.RoundTripper = sharedTransport
	if len(b.CABundle) > 0 {
		t, err := transportWithCA(b.CABundle)
		if err != nil {
			return nil, fmt.Errorf("backend %s: %w", b.Name, err)
		}
		rt = t
	}
	// Innermost of the header setters: outgoing auth and the backend's own headers,
	// set before it runs, win over a client's passed-through header.
	rt = passthrough{next: rt}
	if len(b.Headers) > 0 || len(b.HeaderEnv) > 0 {
		h, err := forwardedHeaders(b)
		if err != nil {
			return nil, err
		}
		rt = headerSetter{next: rt, headers: h}
	}
	if b.Auth != nil {
		switch b.Auth.Type {
		case "", config.BackendAuthUnauthenticated:
		case config.BackendAuthHeaderInjection:
			h := b.Auth.HeaderInjection
			if h == nil {
				return nil, fmt.Errorf("backend %s: header_injection needs headerInjection", b.Name)
			}
			v, err := headerValue(h)
			if err != nil {
				return nil, fmt.Errorf("backend %s: %w", b.Name, err)
			}
			rt = headerInjector{next: rt, name: http.CanonicalHeaderKey(h.HeaderName), value: v}
		case config.BackendAuthTokenExchange:
			if b.Shared() {
				return nil, fmt.Errorf("backend %s: token_exchange needs a per-client session, which a stdio backend cannot have", b.Name)
			}
			c, err := exchangeClient(b)
			if err != nil {
				return nil, err
			}
			rt = exchanger{next: rt, backend: b.Name, client: c}
		default:
			return nil, fmt.Errorf("backend %s: unknown outgoing auth type %q", b.Name, b.Auth.Type)
		}
	}
	return &http.Client{Transport: rt}, nil
}

// transportWithCA is the shared transport's settings with pem as the only trusted
// roots. It is a transport of its own (one per backend that has a bundle).
func transportWithCA(pem []byte) (*http.Transport, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("the CA bundle holds no PEM certificate")
	}
	t := sharedTransport.Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return t, nil
}

// forwardedHeaders are b's literal headers and those read from the environment.
func forwardedHeaders(b Backend) (http.Header, error) {
	h := http.Header{}
	for k, v := range b.Headers {
		h.Set(k, v)
	}
	for _, k := range slices.Sorted(maps.Keys(b.HeaderEnv)) {
		v, ok := os.LookupEnv(b.HeaderEnv[k])
		if !ok {
			return nil, fmt.Errorf("backend %s: header %s: environment variable %s is not set (the operator sets it from the Secret; the pod restarts when it is added)", b.Name, k, b.HeaderEnv[k])
		}
		h.Set(k, v)
	}
	return h, nil
}

// headerSetter sets fixed headers on every request to a backend, leaving a header
// the outgoing auth already set (authentication wins over a forwarded header).
type headerSetter struct {
	next    http.RoundTripper
	headers http.Header
}

func (h headerSetter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h.headers {
		if _, set := r.Header[k]; !set {
			r.Header[k] = v
		}
	}
	return h.next.RoundTrip(r)
}

// headerInjector sets one header on every request to a backend.
type headerInjector struct {
	next        http.RoundTripper
	name, value string
}

func (h headerInjector) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return h.next.RoundTrip(r)
}

// Transport returns the MCP client transport that reaches b. listen opens the
// standalone SSE stream of Streamable HTTP, over which a backend sends messages
// unrelated to a request (list_changed); per-client sessions skip it, since what
// they relay (progress, logging, sampling, elicitation) arrives on the call's stream.
func Transport(b Backend, hc *http.Client, listen bool) (mcp.Transport, error) {
	switch b.Transport {
	case "", config.TransportStreamableHTTP:
		return &mcp.StreamableClientTransport{Endpoint: b.URL, HTTPClient: hc, DisableStandaloneSSE: !listen}, nil
	case config.TransportSSE:
		return &mcp.SSEClientTransport{Endpoint: b.URL, HTTPClient: hc}, nil
	case config.TransportStdio:
		cmd := exec.Command(b.Command, b.Args...)
		cmd.Env = os.Environ()
		for _, k := range slices.Sorted(maps.Keys(b.Env)) {
			cmd.Env = append(cmd.Env, k+"="+b.Env[k])
		}
		return &mcp.CommandTransport{Command: cmd, TerminateDuration: 2 * time.Second}, nil
	default:
		return nil, fmt.Errorf("backend %s: unknown transport %q", b.Name, b.Transport)
	}
}

// Dial opens and initializes an MCP client session to b (see Transport for
// listen), asking for protocol version (the client's, so that the backend
// answers as it would answer the client); "" means the SDK's default.
func Dial(ctx context.Context, b Backend, hc *http.Client, client *mcp.Client, listen bool, version string) (*mcp.ClientSession, error) {
	t, err := Transport(b, hc, listen)
	if err != nil {
		return nil, err
	}
	var opts *mcp.ClientSessionOptions
	if version != "" {
		opts = &mcp.ClientSessionOptions{ProtocolVersion: version}
	}
	// ctx bounds connecting only. The SSE transport ties its event stream, and so the
	// whole session, to the context given to Connect: a probe's or a request's context
	// would end the session with it.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	cs, err := client.Connect(sctx, t, opts)
	if !stop() && err == nil {
		_ = cs.Close()
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		return nil, fmt.Errorf("connecting to backend %s: %w", b.Name, err)
	}
	return cs, nil
}

// headerValue is the value of a header_injection strategy: from the environment variable
// headerValueEnv names, else the plain headerValue.
func headerValue(h *config.HeaderInjection) (string, error) {
	if h.HeaderValueEnv == "" && h.HeaderValue != "" {
		return h.HeaderValue, nil
	}
	v, ok := os.LookupEnv(h.HeaderValueEnv)
	if !ok || v == "" {
		return "", fmt.Errorf("environment variable %s (headerInjection.headerValueEnv) is not set", h.HeaderValueEnv)
	}
	return v, nil
}
