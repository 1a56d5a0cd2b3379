// Package otelcol runs the real OpenTelemetry Collector built by
// `hack/install-tools.sh otelcol` (OTLP receiver, file exporter) on 127.0.0.1 for a
// test, and reads back the spans and metrics it received from its OTLP JSON output.
package otelcol

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
)

// Collector is one running collector.
type Collector struct {
	// Endpoint is its OTLP/HTTP receiver, host:port.
	Endpoint string
	out      string
	log      string
}

// Start runs the collector until the test ends; it fails the test with a fix-it
// message when the binary was not built.
func Start(t testing.TB) *Collector { t.Helper(); return start(t, "", "") }

// StartTLS runs the collector with its OTLP/HTTP receiver on TLS, presenting the
// certificate and key of the PEM files certFile and keyFile.
func StartTLS(t testing.TB, certFile, keyFile string) *Collector {
	t.Helper()
	return start(t, certFile, keyFile)
}

func start(t testing.TB, certFile, keyFile string) *Collector {
	t.Helper()
	bin := filepath.Join(mcpnpm.RepoRoot(t), "bin", "otelcol")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `hack/install-tools.sh otelcol`", bin)
	}
	dir := t.TempDir()
	c := &Collector{Endpoint: "127.0.0.1:" + strconv.Itoa(mcpnpm.FreePort(t)),
		out: filepath.Join(dir, "otlp.jsonl"), log: filepath.Join(dir, "collector.log")}
	tlsCfg := ""
	if certFile != "" {
		tlsCfg = fmt.Sprintf("\n        tls:\n          cert_file: %s\n          key_file: %s", certFile, keyFile)
	}
	cfg := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: %s%s
exporters:
  file:
    path: %s
    flush_interval: 100ms
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
    metrics: {receivers: [otlp], exporters: [file]}
`, c.Endpoint, tlsCfg, c.out)
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(c.log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start otelcol: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(c.log)
			t.Logf("otelcol log:\n%s", b)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", c.Endpoint, time.Second)
		if err == nil {
			conn.Close()
			return c
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(c.log)
			t.Fatalf("otelcol did not listen on %s within 30s:\n%s", c.Endpoint, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Span is one received span with its resource's attributes.
type Span struct {
	Name     string
	Kind     int
	Resource map[string]string
	Attrs    map[string]string
	TraceID  string
}

// Metric is one received data point with its metric name and resource.
type Metric struct {
	Name     string
	Resource map[string]string
	Attrs    map[string]string
}

type kv struct {
	Key   string `json:"key"`
	Value struct {
		String *string          `json:"stringValue"`
		Int    *json.RawMessage `json:"intValue"`
		Bool   *bool            `json:"boolValue"`
		Double *float64         `json:"doubleValue"`
	} `json:"value"`
}

func attrs(list []kv) map[string]string {
	m := make(map[string]string, len(list))
	for _, a := range list {
		switch v := a.Value; {
		case v.String != nil:
			m[a.Key] = *v.String
		case v.Int != nil:
			m[a.Key] = strings.Trim(string(*v.Int), `"`)
		case v.Bool != nil:
			m[a.Key] = strconv.FormatBool(*v.Bool)
		case v.Double != nil:
			m[a.Key] = strconv.FormatFloat(*v.Double, 'g', -1, 64)
		}
	}
	return m
}

type points struct {
	DataPoints []struct {
		Attributes []kv `json:"attributes"`
	} `json:"dataPoints"`
}

// line is one line of the file exporter's output: a traces or a metrics batch.
type line struct {
	ResourceSpans []struct {
		Resource struct {
			Attributes []kv `json:"attributes"`
		} `json:"resource"`
		ScopeSpans []struct {
			Spans []struct {
				Name       string `json:"name"`
				Kind       int    `json:"kind"`
				TraceID    string `json:"traceId"`
				Attributes []kv   `json:"attributes"`
			} `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
	ResourceMetrics []struct {
		Resource struct {
			Attributes []kv `json:"attributes"`
		} `json:"resource"`
		ScopeMetrics []struct {
			Metrics []struct {
				Name      string  `json:"name"`
				Histogram *points `json:"histogram"`
				Sum       *points `json:"sum"`
				Gauge     *points `json:"gauge"`
			} `json:"metrics"`
		} `json:"scopeMetrics"`
	} `json:"resourceMetrics"`
}

// Received reads everything the collector has written so far.
func (c *Collector) Received(t testing.TB) ([]Span, []Metric) {
	t.Helper()
	data, err := os.ReadFile(c.out)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var spans []Span
	var metrics []Metric
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var l line
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue // a line still being written
		}
		for _, rs := range l.ResourceSpans {
			res := attrs(rs.Resource.Attributes)
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					spans = append(spans, Span{Name: s.Name, Kind: s.Kind, Resource: res, Attrs: attrs(s.Attributes), TraceID: s.TraceID})
				}
			}
		}
		for _, rm := range l.ResourceMetrics {
			res := attrs(rm.Resource.Attributes)
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					for _, p := range []*points{m.Histogram, m.Sum, m.Gauge} {
						if p == nil {
							continue
						}
						for _, dp := range p.DataPoints {
							metrics = append(metrics, Metric{Name: m.Name, Resource: res, Attrs: attrs(dp.Attributes)})
						}
					}
				}
			}
		}
	}
	return spans, metrics
}

// WaitSpan waits up to timeout for a span that match accepts and returns it.
func (c *Collector) WaitSpan(t testing.TB, timeout time.Duration, match func(Span) bool) Span {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		spans, _ := c.Received(t)
		for _, s := range spans {
			if match(s) {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no matching span within %s; received %d spans: %+v", timeout, len(spans), spans)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WaitMetric waits up to timeout for a data point that match accepts and returns it.
func (c *Collector) WaitMetric(t testing.TB, timeout time.Duration, match func(Metric) bool) Metric {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		_, metrics := c.Received(t)
		for _, m := range metrics {
			if match(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no matching metric within %s; received %d data points: %+v", timeout, len(metrics), metrics)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
