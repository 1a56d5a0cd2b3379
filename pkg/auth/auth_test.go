package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
)

type denyAll struct{}

func (denyAll) Authenticate(*http.Request) (*Identity, error) { return nil, ErrUnauthenticated }

// challenging denies with its own challenge.
type challenging struct{ denyAll }

func (challenging) Challenge(r *http.Request, err error) string {
	return `Bearer resource_metadata="http://` + r.Host + `/.well-known/oauth-protected-resource"`
}

// tokenAuth accepts any request as alice with a token.
type tokenAuth struct{}

func (tokenAuth) Authenticate(r *http.Request) (*Identity, error) {
	return &Identity{Subject: "alice", Claims: map[string]any{"groups": []any{"eng"}}, Token: "raw-token"}, nil
}

func TestMiddleware(t *testing.T) {
	type seen struct {
		id     *Identity
		info   *sdkauth.TokenInfo
		header string
	}
	tests := map[string]struct {
		authn         Authenticator
		metadata      string
		wantCode      int
		wantChallenge string
		check         func(t *testing.T, s seen)
	}{
		"anonymous": {authn: Anonymous{}, wantCode: 200, check: func(t *testing.T, s seen) {
			if s.id == nil || !s.id.Anonymous || s.info != nil || s.header != "Bearer client" {
				t.Fatalf("seen %+v", s)
			}
		}},
		"token identity": {authn: tokenAuth{}, wantCode: 200, check: func(t *testing.T, s seen) {
			if s.id == nil || s.id.Subject != "alice" || s.id.Token != "raw-token" {
				t.Fatalf("identity %+v", s.id)
			}
			if s.info == nil || s.info.UserID != "alice" || s.info.Extra["groups"] == nil {
				t.Fatalf("SDK token info %+v", s.info)
			}
			if s.header != "" {
				t.Fatalf("Authorization header %q reached the handler", s.header)
			}
		}},
		"denied with metadata": {authn: denyAll{}, metadata: "https://vmcp/.well-known/oauth-protected-resource", wantCode: 401,
			wantChallenge: `Bearer error="invalid_token", resource_metadata="https://vmcp/.well-known/oauth-protected-resource"`},
		"denied by a challenger": {authn: challenging{}, wantCode: 401,
			wantChallenge: `Bearer resource_metadata="http://example.com/.well-known/oauth-protected-resource"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var s seen
			reached := false
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reached = true
				s = seen{IdentityFrom(r.Context()), sdkauth.TokenInfoFromContext(r.Context()), r.Header.Get("Authorization")}
			})
			req := httptest.NewRequest("POST", "http://example.com/mcp", nil)
			req.Header.Set("Authorization", "Bearer client")
			rec := httptest.NewRecorder()
			Middleware(tc.authn, tc.metadata, next).ServeHTTP(rec, req)
			if rec.Code != tc.wantCode || reached != (tc.wantCode == 200) {
				t.Fatalf("code %d reached %v", rec.Code, reached)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tc.wantChallenge {
				t.Fatalf("WWW-Authenticate %q, want %q", got, tc.wantChallenge)
			}
			if req.Header.Get("Authorization") != "Bearer client" {
				t.Fatal("the caller's request was modified")
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

type plainDeny struct{ err error }

func (p plainDeny) Authorize(context.Context, *Identity, Operation) (bool, error) {
	return false, p.err
}

type explaining struct{}

func (explaining) Authorize(context.Context, *Identity, Operation) (bool, error) { return false, nil }
func (explaining) Decide(context.Context, *Identity, Operation) (Decision, error) {
	return Decision{Reason: `denied by policy "x"`}, nil
}

func TestDecide(t *testing.T) {
	tests := map[string]struct {
		az   Authorizer
		want Decision
	}{
		"allow all":   {AllowAll{}, Decision{Allowed: true}},
		"plain deny":  {plainDeny{}, Decision{Reason: "denied by the authorization policy"}},
		"error deny":  {plainDeny{errors.New("boom")}, Decision{Reason: "denied by the authorization policy"}},
		"explanation": {explaining{}, Decision{Reason: `denied by policy "x"`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Decide(context.Background(), tc.az, nil, Operation{Action: "call_tool", Resource: "t"}); got != tc.want {
				t.Fatalf("Decide = %+v, want %+v", got, tc.want)
			}
		})
	}
}
