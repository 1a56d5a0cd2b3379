package kubeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"k8s.io/client-go/rest"

	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
)

// DefaultServiceAccountIssuer is the issuer the operator writes when the user
// named none; the API server's own issuer is used in its place.
const DefaultServiceAccountIssuer = "https://kubernetes.default.svc"

// JWKSPath is where the API server serves the keys of its service-account tokens.
const JWKSPath = "/openid/v1/jwks"

// discoveryTimeout bounds the read of the API server's OIDC discovery document.
const discoveryTimeout = 10 * time.Second

// ServiceAccountTokenConfig is the authenticator configuration that accepts the
// cluster's service-account tokens (OIDC settings with kubernetes set): keys from the
// API server's /openid/v1/jwks read with restCfg's credentials and CA (so no public
// discovery endpoint and no extra CA file are needed), the issuer from its
// /.well-known/openid-configuration unless o names another, and, with a service
// account named, only that account's tokens. A jwksUrl written in o is used as
// written, without the API server's credentials (they never leave for another host).
// namespace is the workload's own, the default of the service account's.
func ServiceAccountTokenConfig(ctx context.Context, restCfg *rest.Config, o *authconfig.OIDC, namespace string) (oidc.Config, error) {
	hc, err := rest.HTTPClientFor(restCfg)
	if err != nil {
		return oidc.Config{}, fmt.Errorf("API server client: %w", err)
	}
	host := strings.TrimSuffix(restCfg.Host, "/")
	doc, err := apiServerDiscovery(ctx, hc, host)
	if err != nil {
		return oidc.Config{}, err
	}
	// Tokens carry the issuer exactly as the API server spells it (a trailing
	// slash included), so it is compared as written.
	issuer := o.Issuer
	if d := strings.TrimSuffix(issuer, "/"); d == "" || d == DefaultServiceAccountIssuer {
		issuer = doc.Issuer
	}
	c := oidc.Config{Issuer: issuer, Audience: o.Audience, JWKSURL: host + JWKSPath, Resource: o.Resource,
		Scopes: o.Scopes, HTTPClient: hc, SigningAlgs: doc.Algs}
	if o.JWKSURL != "" {
		// Written by the user: fetched as written, never with the pod's own token.
		c.JWKSURL, c.HTTPClient = o.JWKSURL, nil
	}
	if k := o.Kubernetes; k != nil && k.ServiceAccount != "" {
		ns := k.Namespace
		if ns == "" {
			ns = namespace
		}
		c.AllowedSubject = "system:serviceaccount:" + ns + ":" + k.ServiceAccount
	}
	return c, nil
}

// discovery is what the validator needs of the API server's OIDC discovery document.
type discovery struct {
	Issuer string   `json:"issuer"`
	Algs   []string `json:"id_token_signing_alg_values_supported"`
}

// apiServerDiscovery reads the issuer and signature algorithms of the API
// server's service-account tokens (its key may be RSA or ECDSA).
func apiServerDiscovery(ctx context.Context, hc *http.Client, host string) (discovery, error) {
	ctx, cancel := context.WithTimeout(ctx, discoveryTimeout)
	defer cancel()
	url := host + "/.well-known/openid-configuration"
	var doc discovery
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return doc, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return doc, fmt.Errorf("reading the service-account issuer from %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return doc, fmt.Errorf("reading the service-account issuer from %s: %s (the API server needs --service-account-issuer; the pod's service account needs system:service-account-issuer-discovery)", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.Issuer == "" {
		return doc, fmt.Errorf("reading the service-account issuer from %s: no issuer in the document", url)
	}
	return doc, nil
}

// ServiceAccountTokenConfigFromEnv is ServiceAccountTokenConfig with the API server
// of RESTConfig; what is the settings' path in the workload's config file, for errors.
func ServiceAccountTokenConfigFromEnv(ctx context.Context, o *authconfig.OIDC, namespace, what string) (oidc.Config, error) {
	restCfg, err := RESTConfig()
	if err != nil {
		return oidc.Config{}, fmt.Errorf("%s.kubernetes: %w", what, err)
	}
	c, err := ServiceAccountTokenConfig(ctx, restCfg, o, namespace)
	if err != nil {
		return oidc.Config{}, fmt.Errorf("%s.kubernetes: %w", what, err)
	}
	return c, nil
}
