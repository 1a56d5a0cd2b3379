package gateway

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// upperBounds returns the bucket bounds of histogram series name in reg.
func upperBounds(t *testing.T, reg *prometheus.Registry, name string) []float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name || len(f.Metric) == 0 {
			continue
		}
		var out []float64
		for _, b := range f.Metric[0].GetHistogram().GetBucket() {
			out = append(out, b.GetUpperBound())
		}
		return out
	}
	t.Fatalf("no series %s", name)
	return nil
}

// TestHistogramBucketsCoverTimeouts: the backend latency buckets reach the
// longest backend timeout (a per-workload one here) and the composite
// buckets the longest workflow timeout, each a bucket of its own, so a
// timed-out call is counted at its timeout rather than only in +Inf.
func TestHistogramBucketsCoverTimeouts(t *testing.T) {
	be := newCountingBackend(t)
	reg := prometheus.NewRegistry()
	cfg := &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		CompositeTools: compositeTools(t, `
- name: slow
  timeout: 5m
  steps: [{id: a, tool: c.count}]
`),
		Operational: &config.Operational{Timeouts: &config.Timeouts{Default: "30s", PerWorkload: map[string]config.Duration{"c": "45s"}}}}
	cfg.Normalize()
	g, err := New(Options{Config: cfg, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	g.metrics.latency.WithLabelValues("c", "tools/call").Observe(1)
	g.metrics.compositeLatency.WithLabelValues("slow").Observe(1)
	for name, want := range map[string]float64{
		"vmcp_backend_request_duration_seconds": 45, "vmcp_composite_tool_duration_seconds": (5 * time.Minute).Seconds(),
	} {
		b := upperBounds(t, reg, name)
		if last := b[len(b)-1]; last != want || b[0] != 0.0005 {
			t.Errorf("%s buckets %v: want 0.0005 up to %v", name, b, want)
		}
	}
}
