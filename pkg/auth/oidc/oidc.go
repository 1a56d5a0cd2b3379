package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
)

// DefaultClockSkew is the tolerance applied to a token's expiry.
const DefaultClockSkew = 30 * time.Second

// Config configures an Authenticator.
type Config struct {
	// Issuer is the expected iss claim and, without JWKSURL, where discovery starts
	// (<issuer>/.well-known/openid-configuration). Required.
	Issuer string
	// Audience, when set, must be one of the token's aud values.
	Audience string
	// JWKSURL, when set, is used instead of discovery.
	JWKSURL string
	// Resource is this server's resource identifier (RFC 9728), e.g.
	// https://mcp.example.com/mcp; empty means derived from each request.
	Resource string
	// Scopes are advertised as scopes_supported (default ["openid"]).
	Scopes []string
	// IgnoreForwardedHeaders derives the resource and metadata URLs from the request's
	// own Host and scheme only, ignoring X-Forwarded-Proto/Host/Prefix (the proxy
	// runner unless trustProxyHeaders is set: only a trusted ingress may set them).
	IgnoreForwardedHeaders bool
	// ClockSkew tolerated on expiry (0 = DefaultClockSkew; negative = none).
	ClockSkew time.Duration
	// HTTPClient fetches discovery and keys (nil = http.DefaultClient).
	HTTPClient *http.Client
	// Now is the clock (nil = time.Now); for tests.
	Now func() time.Time
	// SigningAlgs are the accepted JWT signature algorithms when keys come from
	// JWKSURL (empty: RS256 only; discovery supplies them otherwise).
	SigningAlgs []string
	// AllowedSubject, when set, is the only sub accepted (a Kubernetes service
	// account: system:serviceaccount:<namespace>:<name>).
	AllowedSubject string
}

// ConfigFrom is the validator configuration of the settings both config files carry
// (the proxy runner's oidc and vmcp's incomingAuth.oidc): one translation, so the
// proxy and the gateway check tokens alike.
func ConfigFrom(s *authconfig.OIDC) Config {
	return Config{Issuer: s.Issuer, Audience: s.Audience, JWKSURL: s.JWKSURL, Resource: s.Resource, Scopes: s.Scopes}
}

// Authenticator validates bearer JWTs. Create it with New.
type Authenticator struct {
	cfg Config

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier // set on first use: discovery needs the issuer up
	// discovering is closed when the discovery in progress ends (nil: none runs);
	// discoveryErr is its error.
	discovering  chan struct{}
	discoveryErr error
}

// fetchTimeout bounds discovery and key fetches when no HTTPClient is given.
const fetchTimeout = 10 * time.Second

// New checks cfg and returns an Authenticator. It contacts nobody: discovery and
// key fetching happen on the first request (and are retried until they succeed),
// so a server can start before its identity provider.
func New(cfg Config) (*Authenticator, error) {
	var errs []error
	if err := absoluteURL(cfg.Issuer); err != nil {
		errs = append(errs, fmt.Errorf("issuer: %w", err))
	}
	if cfg.JWKSURL != "" {
		if err := absoluteURL(cfg.JWKSURL); err != nil {
			errs = append(errs, fmt.Errorf("jwksUrl: %w", err))
		}
	}
	if cfg.Resource != "" {
		if err := absoluteURL(cfg.Resource); err != nil {
			errs = append(errs, fmt.Errorf("resource: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"openid"}
	}
	switch {
	case cfg.ClockSkew == 0:
		cfg.ClockSkew = DefaultClockSkew
	case cfg.ClockSkew < 0:
		cfg.ClockSkew = 0
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Authenticator{cfg: cfg}, nil
}

func absoluteURL(raw string) error {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	return nil
}

// Authenticate implements auth.Authenticator. Errors wrap auth.ErrUnauthenticated
// (and auth.ErrNoCredentials when there is no bearer token).
func (a *Authenticator) Authenticate(r *http.Request) (*auth.Identity, error) {
	raw, ok := bearer(r)
	if !ok {
		return nil, fmt.Errorf("%w: %w", auth.ErrUnauthenticated, auth.ErrNoCredentials)
	}
	v, err := a.getVerifier(r.Context())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", auth.ErrUnauthenticated, err)
	}
	tok, err := v.Verify(r.Context(), raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", auth.ErrUnauthenticated, err)
	}
	claims := map[string]any{}
	if err := tok.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: %w", auth.ErrUnauthenticated, err)
	}
	if tok.Subject == "" {
		return nil, fmt.Errorf("%w: token has no sub claim", auth.ErrUnauthenticated)
	}
	if a.cfg.AllowedSubject != "" && tok.Subject != a.cfg.AllowedSubject {
		return nil, fmt.Errorf("%w: subject %q is not allowed (only %s)", auth.ErrUnauthenticated, tok.Subject, a.cfg.AllowedSubject)
	}
	return &auth.Identity{Subject: tok.Subject, Claims: claims, Token: raw, Expiry: tok.Expiry}, nil
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	return tok, ok && strings.EqualFold(scheme, "bearer") && tok != ""
}

// getVerifier builds the verifier once: from jwksUrl directly, else by
// discovery. One discovery runs at a time, without holding the lock: every
// request waiting for it waits only as long as its own context allows, so a
// hanging issuer delays nobody beyond their deadline and never serialises
// requests. A failed discovery is retried by the next request.
func (a *Authenticator) getVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	a.mu.Lock()
	if a.verifier != nil {
		defer a.mu.Unlock()
		return a.verifier, nil
	}
	if a.cfg.JWKSURL != "" {
		defer a.mu.Unlock()
		a.verifier = oidc.NewVerifier(a.cfg.Issuer, oidc.NewRemoteKeySet(a.fetchContext(), a.cfg.JWKSURL), a.verifierConfig())
		return a.verifier, nil
	}
	done := a.discovering
	if done == nil {
		done = make(chan struct{})
		a.discovering = done
		go a.discover(done)
	}
	a.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for OIDC discovery of issuer %s: %w", a.cfg.Issuer, ctx.Err())
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.verifier != nil {
		return a.verifier, nil
	}
	return nil, a.discoveryErr
}

// discover runs one OIDC discovery and publishes its verifier or error.
func (a *Authenticator) discover(done chan struct{}) {
	dctx, cancel := context.WithTimeout(a.fetchContext(), fetchTimeout)
	defer cancel()
	p, err := oidc.NewProvider(dctx, a.cfg.Issuer)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.discoveryErr = fmt.Errorf("OIDC discovery for issuer %s: %w", a.cfg.Issuer, err)
	} else {
		a.verifier = p.VerifierContext(a.fetchContext(), a.verifierConfig())
	}
	a.discovering = nil
	close(done)
}

// fetchContext is the context of discovery and key fetches: they outlive the
// request that triggered them, and use cfg.HTTPClient or one with fetchTimeout.
func (a *Authenticator) fetchContext() context.Context {
	hc := a.cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: fetchTimeout}
	}
	return oidc.ClientContext(context.Background(), hc)
}

func (a *Authenticator) verifierConfig() *oidc.Config {
	skew := a.cfg.ClockSkew
	return &oidc.Config{
		ClientID:             a.cfg.Audience,
		SkipClientIDCheck:    a.cfg.Audience == "",
		SupportedSigningAlgs: a.cfg.SigningAlgs,
		// go-oidc rejects exp < now; shifting its clock back tolerates the skew.
		Now: func() time.Time { return a.cfg.Now().Add(-skew) },
	}
}

// Challenge implements auth.Challenger (RFC 6750 §3 with RFC 9728's
// resource_metadata): no error code when the token is missing, invalid_token
// otherwise.
func (a *Authenticator) Challenge(r *http.Request, err error) string {
	v := `Bearer resource_metadata="` + a.MetadataURL(r) + `"`
	if !errors.Is(err, auth.ErrNoCredentials) {
		v = `Bearer error="invalid_token", ` + strings.TrimPrefix(v, "Bearer ")
	}
	if len(a.cfg.Scopes) > 0 {
		v += `, scope="` + strings.Join(a.cfg.Scopes, " ") + `"`
	}
	return v
}
