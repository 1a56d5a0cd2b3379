package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/audit"
	"github.com/mcp-operator/mcp-operator/pkg/auth/cedar"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/kubeapi"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/mcpauthz"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/mcpauthz/toolview"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/webhook"
	"github.com/mcp-operator/mcp-operator/pkg/ratelimit"
)

// security is the incoming side of a runner: who the caller is, what they may
// do, which tools they see, and the audit trail.
type security struct {
	authn auth.Authenticator
	// metadata serves RFC 9728 protected resource metadata (OIDC only).
	metadata *oidc.Authenticator
	// policy wraps MCP routes with authorization, the tool view and audit.
	policy func(http.Handler) http.Handler
	// limiter is the rateLimiting section's token buckets (nil = no limits).
	limiter *ratelimit.Limiter
}

// newSecurity builds the security of cfg; an Authenticator or Authorizer in
// opts replaces the one the config describes.
func newSecurity(cfg *runconfig.Config, opts Options, log *zap.Logger) (*security, error) {
	s := &security{authn: opts.Authenticator}
	var errs []error
	if s.authn == nil {
		a, err := authenticatorFor(cfg.OIDC, cfg.TrustProxyHeaders, cfg.Namespace)
		if err != nil {
			errs = append(errs, err)
		}
		s.authn = a
	}
	if o, ok := s.authn.(*oidc.Authenticator); ok {
		s.metadata = o
	}
	az := opts.Authorizer
	if az == nil {
		a, err := authorizerFor(cfg.Authz)
		if err != nil {
			errs = append(errs, err)
		}
		az = a
	}
	view, err := toolview.New(cfg.ToolsFilter, overrides(cfg.ToolsOverride))
	if err != nil {
		errs = append(errs, err)
	}
	hooks, err := webhook.New(cfg.Webhooks, cfg.Name, cfg.Transport)
	if err != nil {
		errs = append(errs, err)
	}
	if s.limiter, err = ratelimit.New(cfg.RateLimiting); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var trail *audit.Logger
	if cfg.Audit {
		trail = audit.New(log)
	}
	po := mcpauthz.Options{Authorizer: az, Tools: view, Audit: trail}
	if hooks != nil {
		po.Admit = hooks.AdmitFunc()
	}
	s.policy = mcpauthz.New(po)
	return s, nil
}

// authenticatorFor is OIDC when configured, else anonymous; X-Forwarded headers shape
// its public URLs only when trusted. Service-account tokens (oidc.kubernetes) are
// checked with the keys and issuer of the API server the runner runs against, read
// with the cluster CA and the pod's own token, as vmcp does; namespace is the
// workload's, the default of the accepted service account's.
func authenticatorFor(c *runconfig.OIDC, trustProxyHeaders bool, namespace string) (auth.Authenticator, error) {
	if c == nil {
		return auth.Anonymous{}, nil
	}
	oc := oidc.ConfigFrom(c)
	if c.Kubernetes != nil {
		k, err := kubeapi.ServiceAccountTokenConfigFromEnv(context.Background(), c, namespace, "oidc")
		if err != nil {
			return nil, err
		}
		oc = k
	}
	oc.IgnoreForwardedHeaders = !trustProxyHeaders
	a, err := oidc.New(oc)
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	return a, nil
}

// authorizerFor is Cedar when configured, else allow-all.
func authorizerFor(c *runconfig.Authz) (auth.Authorizer, error) {
	if c == nil {
		return auth.AllowAll{}, nil
	}
	if len(c.Policies) == 0 {
		return nil, errors.New("authz.policies: at least one Cedar policy is required when authz is set (remove authz to allow everything)")
	}
	a, err := cedar.New(c.Policies, c.EntitiesJSON)
	if err != nil {
		return nil, fmt.Errorf("authz.%w", err)
	}
	return a, nil
}

func overrides(in map[string]runconfig.ToolOverride) map[string]toolview.Override {
	out := make(map[string]toolview.Override, len(in))
	for k, v := range in {
		out[k] = toolview.Override{Name: v.Name, Description: v.Description}
	}
	return out
}
