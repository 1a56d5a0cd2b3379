package reverse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/internal/ssrf"
)

// Options configure a reverse proxy.
type Options struct {
	// Target is the upstream MCP endpoint, e.g. http://mcp-x-headless:8080/mcp or
	// https://remote.example.com/sse.
	Target string
	// Headers are added to (and replace) upstream request headers; an Authorization
	// header here is the only way one reaches the upstream.
	Headers http.Header
	// Transport to the upstream (nil = a clone of http.DefaultTransport dialling through
	// the SSRF guard, see ssrf.EnvDialer).
	Transport http.RoundTripper
	// Logger (nil = none).
	Logger *zap.Logger
	// OnError is called for every request the upstream could not answer.
	OnError func()
	// ReadTimeout, when positive, bounds the wait for the upstream's response headers
	// (MCPServer spec.proxyReadTimeout); a streamed body is not cut off.
	ReadTimeout time.Duration
	// EndpointPrefix is put before the path of the message endpoint an SSE upstream
	// announces, for an ingress that routes a path prefix to this proxy and strips it.
	EndpointPrefix string
}

// ResolveHeaders builds upstream headers from plaintext values and from
// environment variables (header name -> variable name). A missing variable is an
// error naming it, so a misconfigured Secret is found at start, not per request.
func ResolveHeaders(plain, fromEnv map[string]string) (http.Header, error) {
	h := http.Header{}
	for k, v := range plain {
		h.Set(k, v)
	}
	var missing []string
	for k, env := range fromEnv {
		v, ok := os.LookupEnv(env)
		if !ok {
			missing = append(missing, fmt.Sprintf("%s (for header %s)", env, k))
			continue
		}
		h.Set(k, v)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("headerForward: environment variables not set: %s", strings.Join(missing, ", "))
	}
	return h, nil
}

// hopHeaders are client headers that never go upstream: credentials for the proxy
// itself, and cookies that belong to the proxy's origin.
var clientOnlyHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// New returns the reverse proxy handler.
func New(opts Options) (http.Handler, error) {
	target, err := url.Parse(opts.Target)
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" {
		return nil, fmt.Errorf("target %q must be an absolute http(s) URL", opts.Target)
	}
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	tr := opts.Transport
	if tr == nil {
		t := guardedTransport()
		t.ResponseHeaderTimeout = opts.ReadTimeout
		tr = t
	}
	rp := &httputil.ReverseProxy{
		Transport: tr,
		// Flush every write at once: SSE and Streamable HTTP streams must not be buffered.
		FlushInterval: -1,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = target.Scheme
			pr.Out.URL.Host = target.Host
			pr.Out.URL.Path, pr.Out.URL.RawPath = UpstreamPath(target, pr.In.URL), ""
			if pr.Out.URL.Path == target.Path && target.RawQuery != "" {
				// Keep the remote URL's own query (e.g. a tenant parameter).
				pr.Out.URL.RawQuery = joinQuery(target.RawQuery, pr.In.URL.RawQuery)
			}
			pr.Out.Host = target.Host
			for _, h := range clientOnlyHeaders {
				pr.Out.Header.Del(h)
			}
			for k, v := range opts.Headers {
				pr.Out.Header[k] = v
			}
			pr.SetXForwarded()
		},
		ModifyResponse: func(resp *http.Response) error {
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
				resp.Body = newEndpointRewriter(resp.Body, target, strings.TrimSuffix(opts.EndpointPrefix, "/"))
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if opts.OnError != nil {
				opts.OnError()
			}
			log.Warn("Upstream request failed", zap.String("target", target.Redacted()), zap.Error(err))
			http.Error(w, "upstream MCP server unavailable: "+errText(err), http.StatusBadGateway)
		},
	}
	return rp, nil
}

func joinQuery(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "&" + b
}

func errText(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return err.Error()
}

// UpstreamPath maps a request path to the upstream: the proxy's MCP endpoints
// (/mcp, /sse) and the target's own path go to the target path; anything else
// (e.g. an SSE server's /messages endpoint) keeps its path on the target host.
func UpstreamPath(target *url.URL, in *url.URL) string {
	p := in.Path
	tp := target.Path
	if tp == "" {
		tp = "/"
	}
	switch p {
	case "/mcp", "/sse", tp:
		return tp
	}
	return p
}

// endpointRewriter turns an absolute upstream URL in an SSE `endpoint` event into
// a path, so that the client posts its messages through the proxy rather than
// straight to the upstream. It passes every line on as soon as it is complete.
type endpointRewriter struct {
	src      io.ReadCloser
	r        *bufio.Reader
	target   *url.URL
	prefix   string // Options.EndpointPrefix without a trailing slash
	buf      []byte
	inEvent  bool // inside an "event: endpoint" event
	passThru bool // the endpoint event has been seen
	mu       sync.Mutex
}

func newEndpointRewriter(src io.ReadCloser, target *url.URL, prefix string) io.ReadCloser {
	return &endpointRewriter{src: src, r: bufio.NewReader(src), target: target, prefix: prefix}
}

func (e *endpointRewriter) Read(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.buf) == 0 {
		if e.passThru {
			if e.r.Buffered() > 0 {
				n := min(len(p), e.r.Buffered())
				return e.r.Read(p[:n])
			}
			return e.src.Read(p)
		}
		line, err := e.r.ReadString('\n')
		if len(line) == 0 && err != nil {
			return 0, err
		}
		e.buf = []byte(e.rewriteLine(line))
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	return n, nil
}

func (e *endpointRewriter) rewriteLine(line string) string {
	body := strings.TrimRight(line, "\r\n")
	switch {
	case body == "event: endpoint" || body == "event:endpoint":
		e.inEvent = true
	case e.inEvent && strings.HasPrefix(body, "data:"):
		data := strings.TrimSpace(strings.TrimPrefix(body, "data:"))
		if u, err := url.Parse(data); err == nil && u.IsAbs() && u.Host == e.target.Host {
			return "data: " + e.prefix + u.RequestURI() + line[len(body):]
		}
		// A relative reference resolves against the client's own (prefixed) URL already.
		if e.prefix != "" && strings.HasPrefix(data, "/") {
			return "data: " + e.prefix + data + line[len(body):]
		}
	case body == "":
		if e.inEvent {
			e.passThru = true
		}
		e.inEvent = false
	}
	return line
}

func (e *endpointRewriter) Close() error { return e.src.Close() }

// Checker reports whether the upstream accepts TCP connections, caching the
// answer briefly so that frequent probes do not hammer it.
type Checker struct {
	addr string
	ttl  time.Duration

	mu      sync.Mutex
	checked time.Time
	err     error
}

// NewChecker returns a Checker for the host:port of target.
func NewChecker(target string) (*Checker, error) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("target %q must be an absolute URL", target)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443"}[u.Scheme]
		if port == "" {
			port = "80"
		}
	}
	return &Checker{addr: net.JoinHostPort(u.Hostname(), port), ttl: 2 * time.Second}, nil
}

// Status implements the health check: up, or down with the reason.
func (c *Checker) Status() (bool, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.checked) > c.ttl {
		conn, err := net.DialTimeout("tcp", c.addr, 2*time.Second)
		if err == nil {
			conn.Close()
		}
		c.err, c.checked = err, time.Now()
	}
	if c.err != nil {
		return false, "upstream " + c.addr + " unreachable: " + c.err.Error()
	}
	return true, ""
}

// guardedTransport dials the upstream through the connect-time SSRF guard, so a remote
// name re-resolved to a metadata or loopback address is refused at connect.
func guardedTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = ssrf.EnvDialer().DialContext
	return t
}
