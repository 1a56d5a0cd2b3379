package gateway

import (
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/composite"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
)

// metrics are the gateway's Prometheus series, registered on its own registry.
type metrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	circuit  *prometheus.GaugeVec
	healthy  *prometheus.GaugeVec
	sessions *prometheus.GaugeVec
	// takenOver counts client sessions this replica took over from shared storage.
	takenOver prometheus.Counter

	// Composite tools (registered always) and the optimizer (when it is on).
	compositeCalls   *prometheus.CounterVec
	compositeLatency *prometheus.HistogramVec
	optFinds         *prometheus.CounterVec
	optFindLatency   prometheus.Histogram
	optCalls         *prometheus.CounterVec
}

// Outcomes of the composite and optimizer series.
const (
	outcomeSuccess   = "success"
	outcomeError     = "error"     // a tool error result or a JSON-RPC error
	outcomeSuspended = "suspended" // a composite tool waiting for the client's input (2026-07-28)
)

// outcomeOf names the outcome of a tool call's answer.
func outcomeOf(res *mcp.CallToolResult, err error) string {
	if err != nil || res == nil || res.IsError {
		return outcomeError
	}
	return outcomeSuccess
}

// registerCompositeMetrics adds the composite tool series; their buckets reach
// the longest workflow or backend timeout.
func (m *metrics) registerCompositeMetrics(reg prometheus.Registerer, longest time.Duration) {
	m.compositeCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vmcp_composite_tool_calls_total",
		Help: "Calls of composite tools, by tool and outcome (success, error, suspended)."}, []string{"tool", "outcome"})
	m.compositeLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vmcp_composite_tool_duration_seconds",
		Help: "Duration of composite tool calls (a suspended call counts up to its suspension).", Buckets: latencyBuckets(longest)}, []string{"tool"})
	reg.MustRegister(m.compositeCalls, m.compositeLatency)
}

// registerOptimizerMetrics adds the optimizer's series (find_tool's buckets
// reach the embedding service's timeout with its retries).
func (m *metrics) registerOptimizerMetrics(reg prometheus.Registerer, longest time.Duration, indexed func() float64) {
	m.optFinds = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vmcp_optimizer_find_tool_requests_total",
		Help: "find_tool calls, by outcome (success, error)."}, []string{"outcome"})
	m.optFindLatency = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "vmcp_optimizer_find_tool_duration_seconds",
		Help: "Duration of find_tool calls (ranking, including the embedding service).", Buckets: latencyBuckets(longest)})
	m.optCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vmcp_optimizer_call_tool_requests_total",
		Help: "call_tool calls, by outcome (success, error)."}, []string{"outcome"})
	reg.MustRegister(m.optFinds, m.optFindLatency, m.optCalls, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "vmcp_optimizer_indexed_tools", Help: "Tools (backend and composite) in the optimizer's index."}, indexed))
}

// latencyBuckets double from 0.5ms up to the longest configured backend
// timeout, which is a bucket of its own: a timed-out call is counted at its
// timeout, not lost in +Inf.
func latencyBuckets(longest time.Duration) []float64 {
	var b []float64
	for v := 0.0005; v < longest.Seconds(); v *= 2 {
		b = append(b, v)
	}
	return append(b, longest.Seconds())
}

// longestCompositeTimeout is the longest timeout a composite tool call can
// run into: its workflow's own, or else the backends'.
func longestCompositeTimeout(s settings, workflows []*composite.Workflow) time.Duration {
	d := s.longestTimeout()
	for _, w := range workflows {
		d = max(d, w.Timeout())
	}
	return d
}

func (s settings) longestTimeout() time.Duration {
	d := s.timeout
	for _, v := range s.perWorkload {
		d = max(d, v)
	}
	return max(d, s.hcTimeout, time.Second)
}

// newMetrics registers the gateway's series and, on a registry of its own
// (ownRegistry), the Go runtime and process collectors.
func newMetrics(reg prometheus.Registerer, longest time.Duration, ownRegistry bool, clientSessions func() float64) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vmcp_backend_requests_total",
			Help: "Requests vmcp sent to a backend, by MCP method."}, []string{"backend", "method"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vmcp_backend_errors_total",
			Help: "Backend requests that failed (transport errors, timeouts, open circuit)."}, []string{"backend", "method"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vmcp_backend_request_duration_seconds",
			Help: "Latency of backend requests.", Buckets: latencyBuckets(longest)}, []string{"backend", "method"}),
		circuit: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vmcp_backend_circuit_state",
			Help: "Circuit breaker state: 0 closed, 1 half-open, 2 open."}, []string{"backend"}),
		healthy: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vmcp_backend_healthy",
			Help: "1 when the backend's capabilities are served (ready or degraded), else 0."}, []string{"backend"}),
		sessions: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vmcp_backend_sessions",
			Help: "Open backend MCP sessions."}, []string{"backend"}),
		takenOver: prometheus.NewCounter(prometheus.CounterOpts{Name: "vmcp_client_sessions_taken_over_total",
			Help: "Client sessions started on another replica (or before a restart) that this replica resumed from shared session storage."}),
	}
	reg.MustRegister(m.requests, m.errors, m.latency, m.circuit, m.healthy, m.sessions, m.takenOver,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vmcp_client_sessions",
			Help: "Open client MCP sessions."}, clientSessions))
	if ownRegistry {
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return m
}

func circuitValue(s health.CircuitState) float64 {
	switch s {
	case health.CircuitHalfOpen:
		return 1
	case health.CircuitOpen:
		return 2
	default:
		return 0
	}
}
