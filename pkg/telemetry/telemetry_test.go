package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSampling(t *testing.T) {
	for in, want := range map[string]float64{"": DefaultSamplingRate, "0": 0, "1.0": 1, "0.25": 0.25} {
		if got, err := (&Config{SamplingRate: in}).Sampling(); err != nil || got != want {
			t.Errorf("Sampling(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"2", "-0.1", "half"} {
		if _, err := (&Config{SamplingRate: bad}).Sampling(); err == nil {
			t.Errorf("Sampling(%q): no error", bad)
		}
	}
	if err := (&Config{TracingEnabled: true}).Validate(); err == nil || !strings.Contains(err.Error(), "endpoint") {
		t.Errorf("tracing without endpoint: %v", err)
	}
}

// TestHeaders checks the OTLP request headers: plain ones, ones read from the
// environment (HeadersFromEnv) and those listed in HeadersFromEnvVar. The receiver is
// a plain HTTP handler recording headers: only this function is under test (the
// collector tests in pkg/proxy/runner and cmd/vmcp cover the export itself).
func TestHeaders(t *testing.T) {
	var mu sync.Mutex
	got := http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		for k, v := range r.Header {
			got[k] = v
		}
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	t.Setenv("API_KEY", "k1")
	t.Setenv("VMCP_KEY", "k2")
	t.Setenv(HeadersFromEnvVar, "x-vmcp-key=VMCP_KEY")
	p, err := New(context.Background(), &Config{Endpoint: srv.URL, ServiceName: "h", TracingEnabled: true, SamplingRate: "1",
		Headers: map[string]string{"x-tenant": "t1"}, HeadersFromEnv: map[string]string{"x-api-key": "API_KEY"}})
	if err != nil {
		t.Fatal(err)
	}
	h := p.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for k, v := range map[string]string{"X-Tenant": "t1", "X-Api-Key": "k1", "X-Vmcp-Key": "k2"} {
		if got.Get(k) != v {
			t.Errorf("OTLP header %s = %q, want %q (all: %v)", k, got.Get(k), v, got)
		}
	}
}

// TestMiddlewareOff: a disabled configuration adds nothing in front of the handler.
func TestMiddlewareOff(t *testing.T) {
	p, err := New(context.Background(), &Config{Endpoint: "x:1"})
	if err != nil {
		t.Fatal(err)
	}
	next := http.NotFoundHandler()
	if h := p.Middleware(next); h == nil || p.inst != nil {
		t.Fatalf("disabled telemetry built instruments")
	}
}

// exportURL builds the URLs the SDK's otlp*http exporters built from the same
// options: the scheme from the endpoint and Insecure, the signal's path appended.
func TestExportURL(t *testing.T) {
	for _, tc := range []struct {
		endpoint string
		insecure bool
		want     string
	}{
		{"collector:4318", true, "http://collector:4318/v1/traces"},
		{"collector:4318", false, "https://collector:4318/v1/traces"},
		{"https://collector:4318/", false, "https://collector:4318/v1/traces"},
		{"https://collector:4318/otlp", true, "http://collector:4318/otlp/v1/traces"},
		{"http://collector:4318", false, "http://collector:4318/v1/traces"},
	} {
		p := &Provider{cfg: Config{Endpoint: tc.endpoint, Insecure: tc.insecure}}
		got, err := p.exportURL("/v1/traces")
		if err != nil || got != tc.want {
			t.Errorf("endpoint %q insecure %v: %q, %v; want %q", tc.endpoint, tc.insecure, got, err, tc.want)
		}
	}
}
