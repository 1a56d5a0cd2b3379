package otlp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// fast keeps the retry tests short; no assertion depends on how long they take.
var fast = Retry{Initial: time.Millisecond, Max: 2 * time.Millisecond, MaxElapsed: time.Minute}

func oneSpan() tracetest.SpanStubs {
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}})
	return tracetest.SpanStubs{{Name: "s", SpanContext: sc, Resource: resource.Empty()}}
}

func TestTraceExporterPostsProtobufWithHeaders(t *testing.T) {
	var got coltracepb.ExportTraceServiceRequest
	var hdr http.Header
	var path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr, path = r.Header.Clone(), r.URL.Path
		b, _ := io.ReadAll(r.Body)
		if err := proto.Unmarshal(b, &got); err != nil {
			t.Errorf("decode: %v", err)
		}
	}))
	defer srv.Close()
	exp, err := NewTraceExporter(Config{URL: srv.URL + "/v1/traces", Headers: map[string]string{"Authorization": "Bearer t", "X-Tenant": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.ExportSpans(context.Background(), oneSpan().Snapshots()); err != nil {
		t.Fatal(err)
	}
	if path != "/v1/traces" || hdr.Get("Content-Type") != "application/x-protobuf" || hdr.Get("Authorization") != "Bearer t" || hdr.Get("X-Tenant") != "a" {
		t.Errorf("path %q, headers %v", path, hdr)
	}
	if n := len(got.GetResourceSpans()); n != 1 || got.ResourceSpans[0].ScopeSpans[0].Spans[0].Name != "s" {
		t.Errorf("collector got %v", &got)
	}
}

func TestRetriesHonourRetryAfterThenSucceed(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 3:
			w.WriteHeader(http.StatusBadGateway)
		case 4:
			w.WriteHeader(http.StatusGatewayTimeout)
		}
	}))
	defer srv.Close()
	exp, err := NewMetricExporter(Config{URL: srv.URL + "/v1/metrics", Retry: fast})
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.Export(context.Background(), &metricdata.ResourceMetrics{}); err != nil {
		t.Fatalf("export after 4 retryable failures: %v", err)
	}
	if n := calls.Load(); n != 5 {
		t.Errorf("%d attempts, want 5", n)
	}
}

func TestRetryAfter(t *testing.T) {
	if d := retryAfter("7"); d != 7*time.Second {
		t.Errorf("seconds: %v", d)
	}
	if d := retryAfter(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)); d < 59*time.Minute {
		t.Errorf("date: %v", d)
	}
	if d := retryAfter("soon"); d != 0 {
		t.Errorf("junk: %v", d)
	}
}

// A Retry-After past MaxElapsed ends the export at once with the status.
func TestRetryStopsAtMaxElapsed(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	exp, _ := NewTraceExporter(Config{URL: srv.URL, Retry: fast})
	err := exp.ExportSpans(context.Background(), oneSpan().Snapshots())
	if err == nil || !strings.Contains(err.Error(), "503") || calls.Load() != 1 {
		t.Fatalf("err %v after %d attempts", err, calls.Load())
	}
}

// The export's context bounds the retries.
func TestRetryBoundedByContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 3 {
			cancel()
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	exp, _ := NewTraceExporter(Config{URL: srv.URL, Retry: fast})
	err := exp.ExportSpans(ctx, oneSpan().Snapshots())
	if !errors.Is(err, context.Canceled) || calls.Load() != 3 {
		t.Fatalf("err %v after %d attempts", err, calls.Load())
	}
}

func TestPermanentFailureQuotesStatusAndBody(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "bad payload: "+strings.Repeat("x", 4096))
	}))
	defer srv.Close()
	exp, _ := NewTraceExporter(Config{URL: srv.URL + "/v1/traces", Retry: fast})
	err := exp.ExportSpans(context.Background(), oneSpan().Snapshots())
	if err == nil || calls.Load() != 1 {
		t.Fatalf("err %v after %d attempts", err, calls.Load())
	}
	msg := err.Error()
	if !strings.Contains(msg, "400 Bad Request") || !strings.Contains(msg, "bad payload: xxx") || !strings.Contains(msg, "/v1/traces") || len(msg) > 1000 {
		t.Errorf("error %q", msg)
	}
}

func TestExportAfterShutdownFails(t *testing.T) {
	exp, _ := NewTraceExporter(Config{URL: "http://127.0.0.1:1/v1/traces"})
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := exp.ExportSpans(context.Background(), oneSpan().Snapshots()); !errors.Is(err, ErrShutdown) {
		t.Fatalf("export after shutdown: %v", err)
	}
}

func TestBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x/v1/traces", "http://%zz"} {
		if _, err := NewTraceExporter(Config{URL: u}); err == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
}
