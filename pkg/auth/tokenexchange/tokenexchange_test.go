package tokenexchange

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/auth/tokenexchange/txtest"
)

func start(t *testing.T) (*txtest.Server, Config) {
	s := txtest.Start(t, "vmcp", "s3cret/+&", "backend-api")
	s.Accept("alice-token")
	return s, Config{TokenURL: s.URL, ClientID: "vmcp", ClientSecret: "s3cret/+&", Audience: "backend-api", Scopes: []string{"read", "write"}}
}

func TestExchange(t *testing.T) {
	srv, good := start(t)
	tests := map[string]struct {
		change  func(*Config)
		subject string
		wantErr string
	}{
		"success":          {subject: "alice-token"},
		"unknown subject":  {subject: "mallory-token", wantErr: "invalid_grant: subject token is not valid"},
		"wrong secret":     {subject: "alice-token", change: func(c *Config) { c.ClientSecret = "nope" }, wantErr: "HTTP 401): invalid_client"},
		"wrong audience":   {subject: "alice-token", change: func(c *Config) { c.Audience = "other" }, wantErr: "invalid_target"},
		"wrong token type": {subject: "alice-token", change: func(c *Config) { c.SubjectTokenType = "urn:x" }, wantErr: "invalid_request"},
		"no subject":       {wantErr: "no subject token"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := good
			if tc.change != nil {
				tc.change(&cfg)
			}
			now := time.Now()
			tok, err := Exchange(context.Background(), nil, cfg, tc.subject, now)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := txtest.Exchanged("alice-token", "backend-api", "read write"); tok.AccessToken != want {
				t.Errorf("token %q, want %q", tok.AccessToken, want)
			}
			if !tok.Expiry.Equal(now.Add(300 * time.Second)) {
				t.Errorf("expiry %v, want now+300s", tok.Expiry)
			}
			f := srv.LastForm()
			if f["requested_token_type"][0] != TokenTypeAccessToken || f["scope"][0] != "read write" {
				t.Errorf("form %v", f)
			}
		})
	}
}

func TestExchangeRFC6749Error(t *testing.T) {
	_, cfg := start(t)
	_, err := Exchange(context.Background(), nil, cfg, "bad", time.Now())
	var e *Error
	if !errors.As(err, &e) || e.Code != "invalid_grant" || e.Status != http.StatusBadRequest {
		t.Fatalf("want *Error invalid_grant/400, got %#v", err)
	}
}

func TestParse(t *testing.T) {
	now := time.Unix(1000, 0)
	tests := map[string]struct {
		status  int
		body    string
		want    Token
		wantErr string
	}{
		"ok":              {status: 200, body: `{"access_token":"a","token_type":"Bearer","expires_in":60}`, want: Token{AccessToken: "a", TokenType: "Bearer", Expiry: now.Add(time.Minute)}},
		"no expiry":       {status: 200, body: `{"access_token":"a","token_type":"bearer"}`, want: Token{AccessToken: "a", TokenType: "bearer"}},
		"N_A type":        {status: 200, body: `{"access_token":"a","token_type":"N_A"}`, want: Token{AccessToken: "a", TokenType: "N_A"}},
		"mac type":        {status: 200, body: `{"access_token":"a","token_type":"mac"}`, wantErr: `token_type "mac" is not supported`},
		"no token":        {status: 200, body: `{"token_type":"Bearer"}`, wantErr: "no access_token"},
		"bad expires":     {status: 200, body: `{"access_token":"a","expires_in":-5}`, wantErr: "expires_in"},
		"error with uri":  {status: 400, body: `{"error":"invalid_scope","error_description":"no","error_uri":"https://x"}`, wantErr: "HTTP 400): invalid_scope: no (see https://x)"},
		"html error":      {status: 502, body: `<html>bad gateway</html>`, wantErr: "HTTP 502): invalid_response"},
		"not json on 200": {status: 200, body: `hello`, wantErr: "not JSON"},
		"empty error 500": {status: 500, body: `{}`, wantErr: "HTTP 500): unknown_error"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := parse(tc.status, "application/json", []byte(tc.body), now)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Errorf("got %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := map[string]struct {
		cfg     Config
		wantErr string
	}{
		"ok":         {cfg: Config{TokenURL: "https://idp/token", ClientID: "c", ClientSecret: "s"}},
		"relative":   {cfg: Config{TokenURL: "/token", ClientID: "c", ClientSecret: "s"}, wantErr: "absolute http(s) URL"},
		"no client":  {cfg: Config{TokenURL: "https://idp/token", ClientSecret: "s"}, wantErr: "clientId is required"},
		"no secret":  {cfg: Config{TokenURL: "https://idp/token", ClientID: "c"}, wantErr: "client secret is empty"},
		"bad scheme": {cfg: Config{TokenURL: "ftp://idp/token", ClientID: "c", ClientSecret: "s"}, wantErr: "tokenUrl"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("want %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestClientCaches(t *testing.T) {
	srv, cfg := start(t)
	srv.Accept("bob-token")
	now := time.Now()
	c, err := New(cfg, WithClock(func() time.Time { return now }), WithMargin(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	get := func(sub string) string {
		t.Helper()
		tok, err := c.Token(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		return tok.AccessToken
	}
	a1 := get("alice-token")
	if a2 := get("alice-token"); a2 != a1 || srv.Exchanges.Load() != 1 {
		t.Fatalf("second call not cached: %q vs %q, %d exchanges", a1, a2, srv.Exchanges.Load())
	}
	if b := get("bob-token"); b == a1 || srv.Exchanges.Load() != 2 {
		t.Fatalf("different subjects must not share tokens: %q, %d exchanges", b, srv.Exchanges.Load())
	}
	now = now.Add(269 * time.Second) // 300s lifetime - 30s margin: still valid
	get("alice-token")
	if n := srv.Exchanges.Load(); n != 2 {
		t.Fatalf("token renewed too early: %d exchanges", n)
	}
	now = now.Add(2 * time.Second) // inside the margin: renew
	get("alice-token")
	if n := srv.Exchanges.Load(); n != 3 {
		t.Fatalf("token not renewed within the margin: %d exchanges", n)
	}
}

func TestClientDoesNotCacheErrors(t *testing.T) {
	srv, cfg := start(t)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(context.Background(), "carol-token"); err == nil {
		t.Fatal("unknown subject exchanged")
	}
	srv.Accept("carol-token")
	if _, err := c.Token(context.Background(), "carol-token"); err != nil {
		t.Fatalf("error was cached: %v", err)
	}
}

func TestClientBounded(t *testing.T) {
	srv, cfg := start(t)
	c, err := New(cfg, WithMaxEntries(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"t1", "t2", "t3"} {
		srv.Accept(s)
		if _, err := c.Token(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	if c.Len() != 2 {
		t.Fatalf("cache holds %d tokens, want 2", c.Len())
	}
	before := srv.Exchanges.Load()
	if _, err := c.Token(context.Background(), "t1"); err != nil { // evicted: exchanged again
		t.Fatal(err)
	}
	if _, err := c.Token(context.Background(), "t3"); err != nil { // kept
		t.Fatal(err)
	}
	if got := srv.Exchanges.Load() - before; got != 1 {
		t.Fatalf("%d exchanges after eviction, want 1", got)
	}
}

func TestClientShortLivedNotCached(t *testing.T) {
	srv, cfg := start(t)
	srv.ExpiresIn = 10 // shorter than the margin
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.Token(context.Background(), "alice-token"); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Exchanges.Load(); n != 2 {
		t.Fatalf("a token expiring within the margin was reused: %d exchanges", n)
	}
}
