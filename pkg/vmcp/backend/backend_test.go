package backend

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/testutil/testca"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestFromConfigResolvesAuth(t *testing.T) {
	def := &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}
	own := config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection,
		HeaderInjection: &config.HeaderInjection{HeaderName: "X-Key", HeaderValueEnv: "K"}}
	c := &config.Config{Backends: []config.StaticBackend{{Name: "a"}, {Name: "b"}},
		OutgoingAuth: &config.OutgoingAuth{Default: def, Backends: map[string]config.BackendAuthStrategy{"b": own}}}
	got := FromConfig(c)
	if got[0].Auth != def || got[1].Auth.Type != config.BackendAuthHeaderInjection {
		t.Fatalf("auth not resolved per backend: %+v %+v", got[0].Auth, got[1].Auth)
	}
}

func TestHTTPClient(t *testing.T) {
	t.Setenv("VMCP_TEST_KEY", "v4lue")
	inject := func(env string) *config.BackendAuthStrategy {
		return &config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection,
			HeaderInjection: &config.HeaderInjection{HeaderName: "x-api-key", HeaderValueEnv: env}}
	}
	tests := map[string]struct {
		auth    *config.BackendAuthStrategy
		header  string
		wantErr string
	}{
		"none":                {},
		"unauthenticated":     {auth: &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}},
		"header injection":    {auth: inject("VMCP_TEST_KEY"), header: "v4lue"},
		"missing env var":     {auth: inject("VMCP_TEST_UNSET"), wantErr: "VMCP_TEST_UNSET (headerInjection.headerValueEnv) is not set"},
		"token exchange":      {auth: &config.BackendAuthStrategy{Type: config.BackendAuthTokenExchange}, wantErr: "token_exchange needs tokenExchange"},
		"header without spec": {auth: &config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection}, wantErr: "needs headerInjection"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var seen string
			srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = r.Header.Get("X-Api-Key") }))
			defer srv.Close()
			hc, err := HTTPClient(Backend{Name: "b", Auth: tc.auth})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if seen != tc.header {
				t.Errorf("backend saw X-Api-Key %q, want %q", seen, tc.header)
			}
		})
	}
}

func TestStaticSignalsChange(t *testing.T) {
	s := NewStatic([]Backend{{Name: "a"}})
	s.Set([]Backend{{Name: "b"}})
	s.Set([]Backend{{Name: "c"}}) // must not block although nobody listened yet
	select {
	case <-s.Changed():
	default:
		t.Fatal("no change signalled")
	}
	if got := s.Backends(); len(got) != 1 || got[0].Name != "c" {
		t.Fatalf("Backends() = %+v", got)
	}
}

// TestHTTPClientHeadersAndCABundle: a TLS backend whose certificate only a generated
// CA verifies is reached with the CA bundle (and refused without it); forwarded
// headers, literal and from the environment, arrive, and outgoing auth wins over a
// forwarded header of the same name.
func TestHTTPClientHeadersAndCABundle(t *testing.T) {
	ca, err := testca.New()
	if err != nil {
		t.Fatal(err)
	}
	var seen http.Header
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = r.Header.Clone() }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	t.Setenv("VMCP_HEADER_TEST", "from-secret")
	t.Setenv("VMCP_TEST_KEY", "auth-value")

	plain, err := HTTPClient(Backend{Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Get(srv.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the CA bundle: err = %v, want a certificate error", err)
	}
	b := Backend{Name: "b", CABundle: ca.CertPEM,
		Headers:   map[string]string{"X-Tenant": "acme", "X-Api-Key": "forwarded"},
		HeaderEnv: map[string]string{"X-Secret": "VMCP_HEADER_TEST"},
		Auth: &config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection,
			HeaderInjection: &config.HeaderInjection{HeaderName: "X-Api-Key", HeaderValueEnv: "VMCP_TEST_KEY"}}}
	hc, err := HTTPClient(b)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatalf("with the CA bundle: %v", err)
	}
	resp.Body.Close()
	for k, want := range map[string]string{"X-Tenant": "acme", "X-Secret": "from-secret", "X-Api-Key": "auth-value"} {
		if got := seen.Get(k); got != want {
			t.Errorf("backend saw %s %q, want %q", k, got, want)
		}
	}

	for name, bad := range map[string]Backend{
		"not PEM":     {Name: "b", CABundle: []byte("not a certificate")},
		"env not set": {Name: "b", HeaderEnv: map[string]string{"X-Secret": "VMCP_HEADER_UNSET"}},
	} {
		if _, err := HTTPClient(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
