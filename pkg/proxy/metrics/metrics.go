package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the proxy runner's collectors.
type Metrics struct {
	Registry *prometheus.Registry
	// Requests counts HTTP requests by path and status code.
	Requests *prometheus.CounterVec
	// Errors counts failed requests: status >= 500 from the proxy, upstream failures.
	Errors *prometheus.CounterVec
	// Latency observes request duration (for streams: until the stream ends).
	Latency *prometheus.HistogramVec
	// StdioRestarts counts redials of the stdio stream.
	StdioRestarts prometheus.Counter
	// UpstreamUp is 1 while the upstream / stdio stream is up.
	UpstreamUp prometheus.Gauge
}

// New registers the collectors on a fresh registry.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "proxyrunner_http_requests_total", Help: "HTTP requests by path, method and status code.",
		}, []string{"path", "method", "code"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "proxyrunner_errors_total", Help: "Failed requests by kind (http_5xx, upstream).",
		}, []string{"kind"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "proxyrunner_http_request_duration_seconds", Help: "HTTP request latency (streams: their lifetime).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"path", "method"}),
		StdioRestarts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "proxyrunner_stdio_restarts_total", Help: "Times the stdio stream was dialed again after it ended.",
		}),
		UpstreamUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "proxyrunner_upstream_up", Help: "1 while the upstream MCP server is reachable.",
		}),
	}
	m.Registry.MustRegister(m.Requests, m.Errors, m.Latency, m.StdioRestarts, m.UpstreamUp,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Instrument counts and times requests to next under the label path (a fixed
// route name, never the raw URL, to bound cardinality).
func (m *Metrics) Instrument(path string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		m.Requests.WithLabelValues(path, r.Method, strconv.Itoa(rec.code)).Inc()
		m.Latency.WithLabelValues(path, r.Method).Observe(time.Since(start).Seconds())
		if rec.code >= 500 {
			m.Errors.WithLabelValues("http_5xx").Inc()
		}
	})
}

// statusRecorder remembers the status code and keeps flushing working.
type statusRecorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.code, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush on the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush supports handlers (like httputil.ReverseProxy) that assert http.Flusher.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
