// Package oidctest runs a local OpenID Connect issuer for tests: an httptest
// server on 127.0.0.1 serving /.well-known/openid-configuration and the JWKS of an
// RSA key generated per issuer, and signs tokens with that key.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Issuer is a running local issuer.
type Issuer struct {
	// URL is the issuer identifier (http://127.0.0.1:port).
	URL string
	// JWKSURL is where its keys are published.
	JWKSURL string
	// Discoveries counts requests for the discovery document.
	Discoveries atomic.Int64

	key    *rsa.PrivateKey
	signer jose.Signer
}

// Start runs an issuer until the test ends.
func Start(t testing.TB) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const kid = "test-key"
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	is := &Issuer{key: key, signer: signer}
	jwks := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"}}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		is.Discoveries.Add(1)
		writeJSON(w, map[string]any{
			"issuer":                                is.URL,
			"jwks_uri":                              is.JWKSURL,
			"authorization_endpoint":                is.URL + "/authorize",
			"token_endpoint":                        is.URL + "/token",
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, jwks) })
	srv := httptest.NewServer(mux) // httptest listens on 127.0.0.1
	t.Cleanup(srv.Close)
	is.URL = srv.URL
	is.JWKSURL = srv.URL + "/keys"
	return is
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Token describes a token to sign; zero fields get defaults.
type Token struct {
	Subject  string
	Audience string
	// Issuer overrides the issuer URL (to forge a wrong issuer).
	Issuer string
	// TTL from now (default 5m; negative for an expired token).
	TTL time.Duration
	// Claims are extra claims (groups, email, …).
	Claims map[string]any
}

// Sign returns a signed JWT for tok.
func (is *Issuer) Sign(t testing.TB, tok Token) string {
	t.Helper()
	if tok.Issuer == "" {
		tok.Issuer = is.URL
	}
	if tok.TTL == 0 {
		tok.TTL = 5 * time.Minute
	}
	now := time.Now()
	std := jwt.Claims{
		Issuer: tok.Issuer, Subject: tok.Subject, Audience: jwt.Audience{tok.Audience},
		IssuedAt: jwt.NewNumericDate(now.Add(-time.Minute)), Expiry: jwt.NewNumericDate(now.Add(tok.TTL)),
	}
	b := jwt.Signed(is.signer).Claims(std)
	if tok.Claims != nil {
		b = b.Claims(tok.Claims)
	}
	s, err := b.Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Transport adds "Authorization: Bearer <token>" to every request.
type Transport struct {
	Token string
	Base  http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (b *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.Token)
	base := b.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// Client returns an http.Client that sends token as a bearer.
func Client(token string) *http.Client {
	return &http.Client{Transport: &Transport{Token: token}}
}
