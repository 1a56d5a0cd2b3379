// Package auth defines the incoming authentication and authorization hooks shared by
// vmcp and the proxy runner: an Authenticator turns a request into an Identity, an
// Authorizer decides whether an identity may perform an MCP operation. Anonymous and
// allow-all implementations live here; OIDC and Cedar implement the same interfaces.
package auth

import (
	"context"
	"errors"
	"net/http"
)

// Identity is the authenticated caller.
type Identity struct {
	// Subject is the caller's stable id ("anonymous" for anonymous callers).
	Subject string
	// Anonymous is true when no credentials were checked.
	Anonymous bool
	// Claims are the token's claims, when a token was validated.
	Claims map[string]any
	// Token is the raw bearer token. It is never forwarded to backends.
	Token string
}

// ErrUnauthenticated is returned by an Authenticator when credentials are missing or invalid.
var ErrUnauthenticated = errors.New("unauthenticated")

// Authenticator authenticates an HTTP request.
type Authenticator interface {
	Authenticate(r *http.Request) (*Identity, error)
}

// Anonymous accepts every request as the anonymous identity.
type Anonymous struct{}

// Authenticate implements Authenticator.
func (Anonymous) Authenticate(*http.Request) (*Identity, error) {
	return &Identity{Subject: "anonymous", Anonymous: true}, nil
}

// Operation is an MCP operation to authorize, e.g. Action "call_tool" on Resource "weather_get".
type Operation struct {
	// Action is one of "list_tools", "call_tool", "list_resources", "read_resource",
	// "list_prompts", "get_prompt".
	Action string
	// Resource is the tool, resource URI or prompt name ("" for list actions).
	Resource string
	// Arguments of a tool call, for policies that look at them.
	Arguments map[string]any
}

// Authorizer decides whether an identity may perform an operation.
type Authorizer interface {
	Authorize(ctx context.Context, id *Identity, op Operation) (bool, error)
}

// AllowAll permits everything.
type AllowAll struct{}

// Authorize implements Authorizer.
func (AllowAll) Authorize(context.Context, *Identity, Operation) (bool, error) { return true, nil }

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the identity stored by Middleware, or nil.
func IdentityFrom(ctx context.Context) *Identity {
	id, _ := ctx.Value(identityKey{}).(*Identity)
	return id
}

// Middleware authenticates every request with a; failures get 401 with a
// WWW-Authenticate header (resourceMetadata, when set, is advertised per RFC 9728).
func Middleware(a Authenticator, resourceMetadata string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := a.Authenticate(r)
		if err != nil || id == nil {
			challenge := `Bearer error="invalid_token"`
			if resourceMetadata != "" {
				challenge += `, resource_metadata="` + resourceMetadata + `"`
			}
			w.Header().Set("WWW-Authenticate", challenge)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
	})
}
