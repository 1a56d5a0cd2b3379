package httpserver

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		}
	})
	tests := map[string]struct {
		guard  Guard
		host   string
		origin string
		body   string
		want   int
	}{
		"loopback host":          {Guard{LoopbackOnly: true}, "127.0.0.1:4483", "", "", 200},
		"localhost host":         {Guard{LoopbackOnly: true}, "localhost:4483", "", "", 200},
		"rebinding host refused": {Guard{LoopbackOnly: true}, "evil.example.com:4483", "", "", 403},
		"allowed extra host":     {Guard{LoopbackOnly: true, AllowedHosts: []string{"vmcp.svc"}}, "vmcp.svc:4483", "", "", 200},
		"service name allowed":   {Guard{AllowedHosts: ServiceHosts("vmcp-x", "ns")}, "vmcp-x.ns.svc:4483", "", "", 200},
		"foreign origin refused": {Guard{AllowedHosts: []string{"vmcp"}}, "vmcp:4483", "https://evil.example.com", "", 403},
		"same-host origin":       {Guard{AllowedHosts: []string{"vmcp"}}, "vmcp:4483", "http://vmcp:4483", "", 200},
		// issue 10 item 7: listening on 0.0.0.0 no longer means any Host.
		"cluster mode rebinding host":          {Guard{}, "evil.com", "http://evil.com", "", 403},
		"cluster mode rebinding with services": {Guard{AllowedHosts: ServiceHosts("vmcp-x", "ns")}, "evil.com:4483", "http://evil.com:4483", "", 403},
		"cluster mode pod ip":                  {Guard{AllowedHosts: ServiceHosts("vmcp-x", "ns")}, "10.244.0.17:4483", "", "", 200},
		"cluster mode ipv6 pod ip":             {Guard{}, "[fd00::17]:4483", "", "", 200},
		"cluster mode localhost":               {Guard{}, "localhost:4483", "", "", 200},
		"cluster mode wildcard":                {Guard{AllowedHosts: []string{"*"}}, "evil.com", "", "", 200},
		"ip literal refused on loopback":       {Guard{LoopbackOnly: true}, "10.244.0.17:4483", "", "", 403},
		"loopback origin":                      {Guard{LoopbackOnly: true}, "127.0.0.1:4483", "http://localhost:3000", "", 200},
		"allowed origin":                       {Guard{AllowedHosts: []string{"vmcp"}, AllowedOrigins: []string{"https://app.example.com"}}, "vmcp", "https://app.example.com", "", 200},
		"body over limit":                      {Guard{MaxBodyBytes: 8}, "127.0.0.1", "", "0123456789", 413},
		"body within limit":                    {Guard{MaxBodyBytes: 8}, "127.0.0.1", "", "0123", 200},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(tc.body))
			req.Host = tc.host
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			rec := httptest.NewRecorder()
			tc.guard.Wrap(ok).ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tc.want, rec.Body.String())
			}
		})
	}
}

func TestServeFinishesInFlightRequests(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "done")
	})}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, srv, l, 5*time.Second) }()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + l.Addr().String())
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-started
	cancel()
	if body := <-got; body != "done" {
		t.Fatalf("in-flight request got %q, want done", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}
