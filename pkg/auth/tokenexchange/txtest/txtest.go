// Package txtest runs a local RFC 8693 token endpoint for tests: an httptest
// server on 127.0.0.1 that checks the grant type, client authentication, subject
// token and audience of each exchange and issues opaque tokens derived from them.
package txtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// Server is a running token endpoint.
type Server struct {
	// URL is the token endpoint.
	URL string
	// ClientID and ClientSecret are the only accepted client credentials.
	ClientID, ClientSecret string
	// Audience, when set, is the only audience exchanged for.
	Audience string
	// ExpiresIn is sent as expires_in (seconds; 0 leaves it out).
	ExpiresIn int
	// Exchanges counts successful exchanges.
	Exchanges atomic.Int64

	mu     sync.Mutex
	valid  map[string]bool
	issued map[string]string // exchanged token -> subject token
	last   map[string][]string
}

// Start runs an endpoint accepting clientID/secret until the test ends.
func Start(t testing.TB, clientID, secret, audience string) *Server {
	t.Helper()
	s := &Server{ClientID: clientID, ClientSecret: secret, Audience: audience, ExpiresIn: 300,
		valid: map[string]bool{}, issued: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/token"
	return s
}

// Accept makes subject a subject token the endpoint will exchange.
func (s *Server) Accept(subject string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.valid[subject] = true
}

// Exchanged returns the token issued for subject (as the endpoint computes it).
func Exchanged(subject, audience, scope string) string {
	h := sha256.Sum256([]byte(subject + "\x00" + audience + "\x00" + scope))
	return "exchanged-" + hex.EncodeToString(h[:12])
}

// SubjectOf returns the subject token an issued token was exchanged for.
func (s *Server) SubjectOf(issued string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.issued[issued]
	return sub, ok
}

// LastForm returns the form of the last request.
func (s *Server) LastForm() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		fail(w, http.StatusBadRequest, "invalid_request", "POST application/x-www-form-urlencoded expected")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	s.mu.Lock()
	s.last = r.PostForm
	s.mu.Unlock()
	// RFC 6749 §2.3.1: Basic credentials are form-encoded before base64.
	id, secret, ok := r.BasicAuth()
	id, err1 := url.QueryUnescape(id)
	secret, err2 := url.QueryUnescape(secret)
	if !ok || err1 != nil || err2 != nil || id != s.ClientID || secret != s.ClientSecret {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
		fail(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	f := r.PostForm
	switch {
	case f.Get("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange":
		fail(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type "+f.Get("grant_type"))
		return
	case f.Get("subject_token_type") != "urn:ietf:params:oauth:token-type:access_token":
		fail(w, http.StatusBadRequest, "invalid_request", "subject_token_type "+f.Get("subject_token_type"))
		return
	case s.Audience != "" && f.Get("audience") != s.Audience:
		fail(w, http.StatusBadRequest, "invalid_target", "unknown audience "+f.Get("audience"))
		return
	}
	sub := f.Get("subject_token")
	s.mu.Lock()
	known := s.valid[sub]
	s.mu.Unlock()
	if !known {
		fail(w, http.StatusBadRequest, "invalid_grant", "subject token is not valid")
		return
	}
	tok := Exchanged(sub, f.Get("audience"), f.Get("scope"))
	s.mu.Lock()
	s.issued[tok] = sub
	s.mu.Unlock()
	s.Exchanges.Add(1)
	resp := map[string]any{"access_token": tok, "token_type": "Bearer",
		"issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}
	if s.ExpiresIn > 0 {
		resp["expires_in"] = s.ExpiresIn
	}
	writeJSON(w, http.StatusOK, resp)
}

func fail(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
