// Package auth defines the incoming authentication and authorization hooks shared by
// vmcp and the proxy runner: an Authenticator turns a request into an Identity, an
// Authorizer decides whether an identity may perform an MCP operation. Anonymous and
// allow-all implementations live here; OIDC (pkg/auth/oidc) and Cedar
// (pkg/auth/cedar) implement the same interfaces.
package auth

import (
	"context"
	"errors"
	"net/http"
	"time"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
)

// Identity is the authenticated caller.
type Identity struct {
	// Subject is the caller's stable id ("anonymous" for anonymous callers).
	Subject string
	// Anonymous is true when no credentials were checked.
	Anonymous bool
	// Claims are the token's claims, when a token was validated.
	Claims map[string]any
	// Token is the raw bearer token. It is never forwarded to backends: Middleware
	// removes the Authorization header once the token is validated.
	Token string
	// Expiry of the token (zero when unknown).
	Expiry time.Time
}

// ErrUnauthenticated is returned by an Authenticator when credentials are missing or invalid.
var ErrUnauthenticated = errors.New("unauthenticated")

// ErrNoCredentials is returned (wrapped in ErrUnauthenticated) when the request
// carries no credentials at all; RFC 6750 asks for no error code in that case.
var ErrNoCredentials = errors.New("no bearer token")

// Authenticator authenticates an HTTP request.
type Authenticator interface {
	Authenticate(r *http.Request) (*Identity, error)
}

// Challenger is implemented by Authenticators that write their own
// WWW-Authenticate value (for example with a per-request RFC 9728 metadata URL).
type Challenger interface {
	// Challenge returns the WWW-Authenticate header value for a request that
	// failed authentication with err.
	Challenge(r *http.Request, err error) string
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

// Decision is an authorization outcome with a reason fit for the caller: it may
// name policies by id but never contains policy text.
type Decision struct {
	Allowed bool
	// Reason says why, e.g. `denied by policy "no-deletes"`.
	Reason string
}

// Decider is implemented by Authorizers that can explain their decisions.
type Decider interface {
	Decide(ctx context.Context, id *Identity, op Operation) (Decision, error)
}

// Decide asks az for a decision, with its explanation when az is a Decider.
// Errors deny.
func Decide(ctx context.Context, az Authorizer, id *Identity, op Operation) Decision {
	if d, ok := az.(Decider); ok {
		dec, err := d.Decide(ctx, id, op)
		if err != nil {
			return Decision{Reason: "authorization failed"}
		}
		return dec
	}
	ok, err := az.Authorize(ctx, id, op)
	if err != nil || !ok {
		return Decision{Reason: "denied by the authorization policy"}
	}
	return Decision{Allowed: true}
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
// WWW-Authenticate header (from a when it is a Challenger, else naming
// resourceMetadata, when set, per RFC 9728). On success the identity is stored in
// the context (IdentityFrom), and for token identities also as the MCP SDK's
// TokenInfo (subject as UserID, claims as Extra) so SDK servers see the caller and
// bind sessions to it; the Authorization header is then removed from the request,
// so the token cannot travel further.
func Middleware(a Authenticator, resourceMetadata string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := a.Authenticate(r)
		if err != nil || id == nil {
			if err == nil {
				err = ErrUnauthenticated
			}
			w.Header().Set("WWW-Authenticate", challenge(a, r, err, resourceMetadata))
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		r = r.WithContext(WithIdentity(r.Context(), id))
		if id.Token == "" {
			next.ServeHTTP(w, r)
			return
		}
		r.Header = r.Header.Clone()
		r.Header.Del("Authorization")
		withTokenInfo(id, next).ServeHTTP(w, r)
	})
}

func challenge(a Authenticator, r *http.Request, err error, resourceMetadata string) string {
	if c, ok := a.(Challenger); ok {
		return c.Challenge(r, err)
	}
	v := `Bearer error="invalid_token"`
	if resourceMetadata != "" {
		v += `, resource_metadata="` + resourceMetadata + `"`
	}
	return v
}

// withTokenInfo stores id as the SDK's TokenInfo. The SDK only sets it through
// its bearer middleware, so that middleware runs with a verifier that returns the
// identity already established (the token was validated by our Authenticator).
// Expiry is left out: the Authenticator has checked it, with its clock skew.
func withTokenInfo(id *Identity, next http.Handler) http.Handler {
	info := &sdkauth.TokenInfo{UserID: id.Subject, Extra: id.Claims}
	verified := func(context.Context, string, *http.Request) (*sdkauth.TokenInfo, error) { return info, nil }
	strip := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Authorization")
		next.ServeHTTP(w, r)
	})
	inner := sdkauth.RequireBearerToken(verified, &sdkauth.RequireBearerTokenOptions{AllowMissingExpiration: true})(strip)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The SDK middleware wants a bearer header: give it a placeholder that
		// strip removes again before the handler runs.
		r.Header.Set("Authorization", "Bearer verified")
		inner.ServeHTTP(w, r)
	})
}
