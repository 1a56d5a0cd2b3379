package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

type denyAll struct{}

func (denyAll) Authenticate(*http.Request) (*Identity, error) { return nil, ErrUnauthenticated }

func TestMiddleware(t *testing.T) {
	var seen *Identity
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = IdentityFrom(r.Context()) })

	rec := httptest.NewRecorder()
	Middleware(Anonymous{}, "", next).ServeHTTP(rec, httptest.NewRequest("POST", "/mcp", nil))
	if rec.Code != 200 || seen == nil || !seen.Anonymous {
		t.Fatalf("anonymous: code %d identity %+v", rec.Code, seen)
	}

	seen = nil
	rec = httptest.NewRecorder()
	Middleware(denyAll{}, "https://vmcp/.well-known/oauth-protected-resource", next).ServeHTTP(rec, httptest.NewRequest("POST", "/mcp", nil))
	if rec.Code != 401 || seen != nil {
		t.Fatalf("deny: code %d identity %+v", rec.Code, seen)
	}
	if got := rec.Header().Get("WWW-Authenticate"); got == "" {
		t.Fatal("no WWW-Authenticate header on 401")
	}
}
