package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
)

func TestAuthenticate(t *testing.T) {
	is := oidctest.Start(t)
	other := oidctest.Start(t) // a different key
	const aud = "mcp-test"
	tests := map[string]struct {
		header  string
		wantSub string
		noCreds bool
	}{
		"valid":                 {header: "Bearer " + is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud}), wantSub: "alice"},
		"lower-case scheme":     {header: "bearer " + is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud}), wantSub: "alice"},
		"expired within skew":   {header: "Bearer " + is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud, TTL: -5 * time.Second}), wantSub: "alice"},
		"missing":               {header: "", noCreds: true},
		"not bearer":            {header: "Basic YWxpY2U6eA==", noCreds: true},
		"garbage":               {header: "Bearer not.a.jwt"},
		"expired":               {header: "Bearer " + is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud, TTL: -10 * time.Minute})},
		"wrong audience":        {header: "Bearer " + is.Sign(t, oidctest.Token{Subject: "alice", Audience: "someone-else"})},
		"wrong issuer":          {header: "Bearer " + is.Sign(t, oidctest.Token{Subject: "alice", Audience: aud, Issuer: "https://evil.example.com"})},
		"signed by another key": {header: "Bearer " + other.Sign(t, oidctest.Token{Subject: "alice", Audience: aud, Issuer: is.URL})},
		"no subject":            {header: "Bearer " + is.Sign(t, oidctest.Token{Audience: aud})},
	}
	modes := map[string]Config{
		"discovery": {Issuer: is.URL, Audience: aud},
		"jwksUrl":   {Issuer: is.URL, Audience: aud, JWKSURL: is.JWKSURL},
	}
	for mode, cfg := range modes {
		a, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for name, tc := range tests {
			t.Run(mode+"/"+name, func(t *testing.T) {
				r := httptest.NewRequest("POST", "/mcp", nil)
				if tc.header != "" {
					r.Header.Set("Authorization", tc.header)
				}
				id, err := a.Authenticate(r)
				if tc.wantSub == "" {
					if err == nil || !errors.Is(err, auth.ErrUnauthenticated) {
						t.Fatalf("want ErrUnauthenticated, got %+v, %v", id, err)
					}
					if errors.Is(err, auth.ErrNoCredentials) != tc.noCreds {
						t.Fatalf("ErrNoCredentials = %v, want %v (%v)", !tc.noCreds, tc.noCreds, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if id.Subject != tc.wantSub || id.Anonymous || id.Token == "" || id.Claims["sub"] != tc.wantSub || id.Expiry.IsZero() {
					t.Fatalf("identity %+v", id)
				}
			})
		}
	}
	if n := is.Discoveries.Load(); n != 1 {
		t.Fatalf("discovery fetched %d times, want once", n)
	}
}

func TestDiscoveryRetriedAfterFailure(t *testing.T) {
	is := oidctest.Start(t)
	var up atomic.Bool
	// A front that is "down" until up is set, so the first discovery fails.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		http.Redirect(w, r, is.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer front.Close()
	a, err := New(Config{Issuer: is.URL, JWKSURL: "", Audience: "x"})
	if err != nil {
		t.Fatal(err)
	}
	a.cfg.Issuer = front.URL // discovery starts at the front; the issuer check then fails, which is fine here
	r := httptest.NewRequest("POST", "/mcp", nil)
	r.Header.Set("Authorization", "Bearer "+is.Sign(t, oidctest.Token{Subject: "a", Audience: "x"}))
	if _, err := a.Authenticate(r); err == nil || !strings.Contains(err.Error(), "discovery") {
		t.Fatalf("want a discovery error while the issuer is down, got %v", err)
	}
	a.cfg.Issuer = is.URL
	up.Store(true)
	if _, err := a.Authenticate(r); err != nil {
		t.Fatalf("after the issuer came up: %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := map[string]struct {
		cfg  Config
		want string
	}{
		"no issuer":       {Config{}, "issuer"},
		"relative issuer": {Config{Issuer: "auth.example.com"}, "issuer"},
		"bad jwks":        {Config{Issuer: "https://a", JWKSURL: "ftp://x"}, "jwksUrl"},
		"bad resource":    {Config{Issuer: "https://a", Resource: "/mcp"}, "resource"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error naming %s, got %v", tc.want, err)
			}
		})
	}
}

func TestChallengeAndMetadata(t *testing.T) {
	tests := map[string]struct {
		cfg           Config
		req           func() *http.Request
		err           error
		wantChallenge string
		wantResource  string
	}{
		"missing token, derived": {
			cfg:           Config{Issuer: "https://idp.example.com"},
			req:           func() *http.Request { return httptest.NewRequest("POST", "http://mcp.local:8080/mcp", nil) },
			err:           auth.ErrNoCredentials,
			wantChallenge: `Bearer resource_metadata="http://mcp.local:8080/.well-known/oauth-protected-resource", scope="openid"`,
			wantResource:  "http://mcp.local:8080/mcp",
		},
		"invalid token behind an ingress": {
			cfg: Config{Issuer: "https://idp.example.com", Scopes: []string{"mcp:tools"}},
			req: func() *http.Request {
				r := httptest.NewRequest("POST", "http://10.0.0.1:8080/mcp", nil)
				r.Header.Set("X-Forwarded-Proto", "https")
				r.Header.Set("X-Forwarded-Host", "mcp.example.com")
				return r
			},
			err:           auth.ErrUnauthenticated,
			wantChallenge: `Bearer error="invalid_token", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="mcp:tools"`,
			wantResource:  "https://mcp.example.com/mcp",
		},
		"ingress prefix": {
			cfg: Config{Issuer: "https://idp.example.com"},
			req: func() *http.Request {
				r := httptest.NewRequest("POST", "http://10.0.0.1:8080/mcp", nil)
				r.Header.Set("X-Forwarded-Proto", "https")
				r.Header.Set("X-Forwarded-Host", "mcp.example.com")
				r.Header.Set("X-Forwarded-Prefix", "/team-a/")
				return r
			},
			err:           auth.ErrNoCredentials,
			wantChallenge: `Bearer resource_metadata="https://mcp.example.com/team-a/.well-known/oauth-protected-resource", scope="openid"`,
			wantResource:  "https://mcp.example.com/team-a/mcp",
		},
		"forwarded headers not trusted": {
			cfg: Config{Issuer: "https://idp.example.com", IgnoreForwardedHeaders: true},
			req: func() *http.Request {
				r := httptest.NewRequest("POST", "http://10.0.0.1:8080/mcp", nil)
				r.Header.Set("X-Forwarded-Proto", "https")
				r.Header.Set("X-Forwarded-Host", "evil.example.com")
				return r
			},
			err:           auth.ErrNoCredentials,
			wantChallenge: `Bearer resource_metadata="http://10.0.0.1:8080/.well-known/oauth-protected-resource", scope="openid"`,
			wantResource:  "http://10.0.0.1:8080/mcp",
		},
		"configured resource": {
			cfg:           Config{Issuer: "https://idp.example.com", Resource: "https://vmcp.example.com/mcp"},
			req:           func() *http.Request { return httptest.NewRequest("POST", "http://10.0.0.1:4483/mcp", nil) },
			err:           auth.ErrUnauthenticated,
			wantChallenge: `Bearer error="invalid_token", resource_metadata="https://vmcp.example.com/.well-known/oauth-protected-resource", scope="openid"`,
			wantResource:  "https://vmcp.example.com/mcp",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Challenge(tc.req(), tc.err); got != tc.wantChallenge {
				t.Fatalf("challenge\n got %s\nwant %s", got, tc.wantChallenge)
			}
			mux := http.NewServeMux()
			a.Routes(mux)
			for _, path := range []string{MetadataPath, MetadataPath + "/mcp"} {
				r := tc.req()
				r.Method, r.URL.Path = http.MethodGet, path
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, r)
				var md Metadata
				if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &md) != nil {
					t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
				}
				if md.Resource != tc.wantResource || len(md.AuthorizationServers) != 1 || md.AuthorizationServers[0] != tc.cfg.Issuer || len(md.ScopesSupported) == 0 {
					t.Fatalf("%s: metadata %+v", path, md)
				}
			}
		})
	}
}

// TestMiddlewareKeepsTokenHere checks the path a request takes in both binaries:
// a valid token reaches the handler only as the identity, never as a header.
func TestMiddlewareKeepsTokenHere(t *testing.T) {
	is := oidctest.Start(t)
	a, err := New(Config{Issuer: is.URL, Audience: "aud"})
	if err != nil {
		t.Fatal(err)
	}
	var seen *auth.Identity
	var header string
	h := auth.Middleware(a, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, header = auth.IdentityFrom(r.Context()), r.Header.Get("Authorization")
	}))
	tok := is.Sign(t, oidctest.Token{Subject: "alice", Audience: "aud", Claims: map[string]any{"groups": []string{"eng"}}})
	r := httptest.NewRequest("POST", "http://x/mcp", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 200 || seen == nil || seen.Subject != "alice" || seen.Token != tok || header != "" {
		t.Fatalf("code %d identity %+v header %q", rec.Code, seen, header)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "http://x/mcp", nil))
	if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), `Bearer resource_metadata="http://x/.well-known/oauth-protected-resource"`) {
		t.Fatalf("missing token: %d %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
}

// TestHangingIssuerSerialisesNobody: while discovery hangs, each waiting request
// ends at its own deadline, requests wait concurrently (not one discovery each,
// in turn), and one discovery serves them all.
func TestHangingIssuerSerialisesNobody(t *testing.T) {
	is := oidctest.Start(t)
	release := make(chan struct{})
	var fetches atomic.Int64
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		<-release
		http.Error(w, "late", http.StatusServiceUnavailable)
	}))
	defer hang.Close()
	defer close(release)
	a, err := New(Config{Issuer: hang.URL, Audience: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tok := "Bearer " + is.Sign(t, oidctest.Token{Subject: "a", Audience: "x"})
	const clients, deadline = 8, 300 * time.Millisecond
	start := time.Now()
	errs := make(chan error, clients)
	for range clients {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			r := httptest.NewRequest("POST", "/mcp", nil).WithContext(ctx)
			r.Header.Set("Authorization", tok)
			_, err := a.Authenticate(r)
			errs <- err
		}()
	}
	for range clients {
		if err := <-errs; err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("want the request's own deadline, got %v", err)
		}
	}
	if took := time.Since(start); took > 3*deadline {
		t.Errorf("%d requests with a %s deadline took %s: they waited in turn", clients, deadline, took)
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d discovery fetches, want 1 shared by all waiting requests", n)
	}
}
