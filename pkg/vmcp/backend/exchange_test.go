package backend

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/tokenexchange/txtest"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func exchangeBackend(tokenURL, secretEnv string) Backend {
	return Backend{Name: "api", URL: "http://unused", Auth: &config.BackendAuthStrategy{Type: config.BackendAuthTokenExchange,
		TokenExchange: &config.TokenExchange{TokenURL: tokenURL, ClientID: "vmcp", ClientSecretEnv: secretEnv,
			Audience: "api", Scopes: []string{"tools"}}}}
}

func TestHTTPClientTokenExchangeConfig(t *testing.T) {
	t.Setenv("VMCP_TX_SECRET", "sec")
	stdio := exchangeBackend("http://127.0.0.1:1/token", "VMCP_TX_SECRET")
	stdio.Transport = config.TransportStdio
	tests := map[string]struct {
		b       Backend
		wantErr string
	}{
		"ok":            {b: exchangeBackend("http://127.0.0.1:1/token", "VMCP_TX_SECRET")},
		"secret unset":  {b: exchangeBackend("http://127.0.0.1:1/token", "VMCP_TX_UNSET"), wantErr: "VMCP_TX_UNSET (tokenExchange.clientSecretEnv) is not set"},
		"no secret env": {b: exchangeBackend("http://127.0.0.1:1/token", ""), wantErr: "clientSecretEnv is required"},
		"bad token url": {b: exchangeBackend("token", "VMCP_TX_SECRET"), wantErr: "must be an absolute http(s) URL"},
		"stdio refused": {b: stdio, wantErr: "stdio backend cannot"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := HTTPClient(tc.b)
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("want error %q, got %v", tc.wantErr, err)
			}
		})
	}
}

// TestTokenExchangeRoundTrip sends requests through the backend client to a
// recording server, exchanging tokens at a real RFC 8693 endpoint.
func TestTokenExchangeRoundTrip(t *testing.T) {
	ts := txtest.Start(t, "vmcp", "sec", "api")
	ts.Accept("alice-token")
	t.Setenv("VMCP_TX_SECRET", "sec")
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	defer srv.Close()
	hc, err := HTTPClient(exchangeBackend(ts.URL, "VMCP_TX_SECRET"))
	if err != nil {
		t.Fatal(err)
	}
	send := func(id *auth.Identity) error {
		ctx := context.Background()
		if id != nil {
			ctx = auth.WithIdentity(ctx, id)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+"leaked") // must never pass
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	want := "Bearer " + txtest.Exchanged("alice-token", "api", "tools")
	for range 3 {
		if err := send(&auth.Identity{Subject: "alice", Token: "alice-token"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := send(nil); !errors.Is(err, ErrNoClientToken) {
		t.Errorf("request without identity: want ErrNoClientToken, got %v", err)
	}
	if err := send(&auth.Identity{Subject: "anonymous", Anonymous: true}); !errors.Is(err, ErrNoClientToken) {
		t.Errorf("anonymous request: want ErrNoClientToken, got %v", err)
	}
	if err := send(&auth.Identity{Subject: "eve", Token: "forged"}); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("unknown subject token: want invalid_grant, got %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 {
		t.Fatalf("backend got %d requests, want 3 (refused ones must not be sent): %v", len(seen), seen)
	}
	for _, h := range seen {
		if h != want {
			t.Errorf("backend saw Authorization %q, want %q", h, want)
		}
	}
	if n := ts.Exchanges.Load(); n != 1 {
		t.Errorf("%d exchanges for 3 requests of one client, want 1 (cached)", n)
	}
}
