package backend

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/ssrf"
)

// TestHTTPClientDialsThroughSSRFGuard: inside a cluster (KUBERNETES_SERVICE_HOST set) a
// backend whose URL reaches loopback — here a fullwidth-digit literal that the transport
// maps to 127.0.0.1 — is refused at connect; with the loopback switch it is reached.
func TestHTTPClientDialsThroughSSRFGuard(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	target := "http://１２７.０.０.１:" + port + "/mcp"
	c, err := HTTPClient(Backend{Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
	t.Setenv(ssrf.EnvAllowLoopback, "")
	_, err = c.Get(target)
	var re *ssrf.RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("in cluster: GET %s err = %v, want refused by the SSRF guard", target, err)
	}
	t.Setenv(ssrf.EnvAllowLoopback, "true")
	resp, err := c.Get(target)
	if err != nil {
		t.Fatalf("loopback allowed: %v", err)
	}
	resp.Body.Close()
}
