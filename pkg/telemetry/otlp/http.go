package otlp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Config says where and how an exporter posts.
type Config struct {
	// URL is the full URL, path included (…/v1/traces, …/v1/metrics).
	URL string
	// Headers are set on every request, after (so able to replace) Content-Type
	// and User-Agent, as the SDK's exporters do.
	Headers map[string]string
	// TLS is the client TLS configuration of an https URL; nil uses the system roots.
	TLS *tls.Config
	// Timeout bounds one attempt; 0 means DefaultTimeout.
	Timeout time.Duration
	// Retry bounds the retries of 429/502/503/504; the zero value means DefaultRetry.
	Retry Retry
}

// Retry is the exponential backoff between attempts; a Retry-After longer than
// the interval replaces it. No attempt starts after MaxElapsed, nor once the
// export's context is done.
type Retry struct {
	Initial, Max, MaxElapsed time.Duration
}

// The SDK exporters' defaults (otlpconfig.DefaultTimeout, retry.DefaultConfig).
const DefaultTimeout = 10 * time.Second

var DefaultRetry = Retry{Initial: 5 * time.Second, Max: 30 * time.Second, MaxElapsed: time.Minute}

// ErrShutdown is returned by exports after Shutdown.
var ErrShutdown = errors.New("otlp exporter is shut down")

// errBodyBytes is how much of a failed response's body an error quotes.
const errBodyBytes = 512

// maxDrain bounds what is read of a response body to let the connection be reused.
const maxDrain = 64 << 10

type client struct {
	what    string // "traces" or "metrics", for errors
	url     string
	headers map[string]string
	retry   Retry
	http    *http.Client

	mu      sync.Mutex
	stopped bool
	stop    chan struct{} // closed by shutdown: cancels exports under way
}

func newClient(cfg Config, what string) (*client, error) {
	if cfg.URL == "" {
		return nil, fmt.Errorf("otlp %s exporter: no URL", what)
	}
	req, err := http.NewRequest(http.MethodPost, cfg.URL, http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("otlp %s exporter: %w", what, err)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("otlp %s exporter: URL %s: scheme must be http or https", what, cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Retry == (Retry{}) {
		cfg.Retry = DefaultRetry
	}
	tr := http.DefaultTransport.(*http.Transport).Clone() // proxy from the environment, HTTP/2
	if cfg.TLS != nil {
		tr.TLSClientConfig = cfg.TLS
	}
	return &client{
		what: what, url: cfg.URL, headers: cfg.Headers, retry: cfg.Retry,
		http: &http.Client{Transport: tr, Timeout: cfg.Timeout},
		stop: make(chan struct{}),
	}, nil
}

func (c *client) shutdown(ctx context.Context) error {
	c.mu.Lock()
	if !c.stopped {
		c.stopped = true
		close(c.stop)
		c.http.CloseIdleConnections()
	}
	c.mu.Unlock()
	return ctx.Err()
}

// post sends body, retrying as c.retry allows. Only the statuses that say "later"
// (429, 502, 503, 504) are retried; a transport error (refused, reset, timed out) is
// not: the SDK's exporters retried only the rare "temporary" ones, and the next
// batch, a few seconds on, is the retry.
func (c *client) post(ctx context.Context, body []byte) error {
	c.mu.Lock()
	stopped := c.stopped
	c.mu.Unlock()
	if stopped {
		return ErrShutdown
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.stop:
			cancel()
		case <-ctx.Done():
		}
	}()

	deadline := time.Now().Add(c.retry.MaxElapsed)
	interval := c.retry.Initial
	for attempt := 1; ; attempt++ {
		throttle, retryable, err := c.once(ctx, body)
		if err == nil || !retryable {
			return err
		}
		wait := max(interval, throttle)
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (after %d attempts: %w)", err, attempt, ctx.Err())
		case <-t.C:
		}
		interval = min(2*interval, c.retry.Max)
	}
}

// once makes one attempt. A retryable failure also gives the Retry-After delay.
func (c *client) once(ctx context.Context, body []byte) (throttle time.Duration, retryable bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return 0, false, fmt.Errorf("otlp %s export: %w", c.what, err)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("User-Agent", "mcp-operator OTLP exporter")
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, false, fmt.Errorf("otlp %s export: %w", c.what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// The body may hold an ExportPartialSuccess, which is not decoded: the SDK's
		// exporters only log it, and the data it concerns was rejected for good.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		return 0, false, nil
	}
	head := make([]byte, errBodyBytes)
	n, _ := io.ReadFull(resp.Body, head)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	msg := string(bytes.TrimSpace(head[:n]))
	if msg == "" {
		msg = "(empty body)"
	}
	err = fmt.Errorf("otlp %s export: POST %s: %s: %s", c.what, c.url, resp.Status, msg)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return retryAfter(resp.Header.Get("Retry-After")), true, err
	default:
		return 0, false, err
	}
}

// retryAfter reads a Retry-After header: seconds or an HTTP date; 0 if absent or unreadable.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		return time.Duration(min(s, int64(time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
