package backend

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/tokenexchange"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// ErrNoClientToken is returned for a request to a token_exchange backend that does
// not carry an authenticated client's bearer token in its context: such a request
// is refused rather than sent unauthenticated.
var ErrNoClientToken = errors.New("no authenticated client token to exchange (token_exchange needs incomingAuth type oidc and a per-client request)")

// tokenEndpointTimeout bounds one call to the token endpoint.
const tokenEndpointTimeout = 10 * time.Second

// Delegated reports whether b's outgoing auth acts on behalf of each client (token
// exchange): every request to b needs the client's identity in its context.
func (b Backend) Delegated() bool {
	return b.Auth != nil && b.Auth.Type == config.BackendAuthTokenExchange
}

// exchangeClient builds the token exchange client of b, reading the client secret
// from its environment variable.
func exchangeClient(b Backend) (*tokenexchange.Client, error) {
	te := b.Auth.TokenExchange
	if te == nil {
		return nil, fmt.Errorf("backend %s: token_exchange needs tokenExchange", b.Name)
	}
	if te.ClientSecretEnv == "" {
		return nil, fmt.Errorf("backend %s: tokenExchange.clientSecretEnv is required (the environment variable holding the client secret)", b.Name)
	}
	secret, ok := os.LookupEnv(te.ClientSecretEnv)
	if !ok || secret == "" {
		return nil, fmt.Errorf("backend %s: environment variable %s (tokenExchange.clientSecretEnv) is not set", b.Name, te.ClientSecretEnv)
	}
	c, err := tokenexchange.New(tokenexchange.Config{
		TokenURL: te.TokenURL, ClientID: te.ClientID, ClientSecret: secret,
		Audience: te.Audience, Scopes: te.Scopes, SubjectTokenType: te.SubjectTokenType,
	}, tokenexchange.WithHTTPClient(&http.Client{Transport: sharedTransport, Timeout: tokenEndpointTimeout}))
	if err != nil {
		return nil, fmt.Errorf("backend %s: %w", b.Name, err)
	}
	return c, nil
}

// exchanger authenticates each request to a backend with a token exchanged for
// the calling client's token (from the request context). The client's own token
// is never sent: any Authorization header is replaced.
type exchanger struct {
	next    http.RoundTripper
	backend string
	client  *tokenexchange.Client
}

func (e exchanger) RoundTrip(r *http.Request) (*http.Response, error) {
	id := auth.IdentityFrom(r.Context())
	if id == nil || id.Anonymous || id.Token == "" {
		closeBody(r)
		return nil, fmt.Errorf("backend %s: %w", e.backend, ErrNoClientToken)
	}
	tok, err := e.client.Token(r.Context(), id.Token)
	if err != nil {
		closeBody(r)
		return nil, fmt.Errorf("backend %s: %w", e.backend, err)
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return e.next.RoundTrip(r)
}

// closeBody honours the RoundTripper contract of closing the body on error.
func closeBody(r *http.Request) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
}
