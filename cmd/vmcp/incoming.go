package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/kubeapi"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/gateway"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s"
)

// incomingHandler serves the gateway behind incomingAuth: anonymous (and local)
// as it is, oidc through pkg/auth/oidc with the RFC 9728 metadata document.
// Authorization (incomingAuth.authz) is the gateway's own.
func incomingHandler(ctx context.Context, cfg *config.Config, g *gateway.Gateway, guard httpserver.Guard) (http.Handler, error) {
	a := cfg.IncomingAuth
	if a == nil || a.Type != config.IncomingAuthOIDC {
		return g.Handler(gateway.HTTPOptions{Guard: guard}), nil
	}
	if a.OIDC == nil {
		return nil, fmt.Errorf("incomingAuth.oidc: required when incomingAuth.type is oidc")
	}
	oc := oidc.ConfigFrom(a.OIDC)
	if a.OIDC.Kubernetes != nil {
		// Service-account tokens: keys and issuer from the API server itself.
		c, err := kubeapi.ServiceAccountTokenConfigFromEnv(ctx, a.OIDC, os.Getenv(k8s.EnvNamespace), "incomingAuth.oidc")
		if err != nil {
			return nil, err
		}
		oc = c
	}
	authn, err := oidc.New(oc)
	if err != nil {
		return nil, fmt.Errorf("incomingAuth.oidc: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", g.Handler(gateway.HTTPOptions{Guard: guard, Authenticator: authn}))
	md := guard.Wrap(authn.MetadataHandler())
	mux.Handle(oidc.MetadataPath, md)
	mux.Handle(oidc.MetadataPath+"/", md)
	return mux, nil
}
