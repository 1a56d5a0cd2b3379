package reverse

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/ssrf"
)

// TestUpstreamDialsThroughSSRFGuard: in a cluster the proxy runner's default upstream
// transport refuses a loopback upstream at connect time (502), and reaches it when the
// operator's loopback switch is set.
func TestUpstreamDialsThroughSSRFGuard(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	t.Cleanup(up.Close)
	for name, tc := range map[string]struct {
		allow string
		want  int
	}{"refused": {"", http.StatusBadGateway}, "allowed by flag": {"true", http.StatusAccepted}} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
			t.Setenv(ssrf.EnvAllowLoopback, tc.allow)
			h, err := New(Options{Target: up.URL + "/mcp"})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader("{}")))
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
