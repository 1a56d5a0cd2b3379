package oidc

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// MetadataPath is where the protected resource metadata is served (RFC 9728 §3).
// Clients may also append the resource's path (…/oauth-protected-resource/mcp);
// MetadataHandler answers both.
const MetadataPath = "/.well-known/oauth-protected-resource"

// MCPPath is the MCP endpoint a derived resource identifier points at.
const MCPPath = "/mcp"

// Metadata is the RFC 9728 protected resource metadata document.
type Metadata struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers"`
	ScopesSupported        []string `json:"scopes_supported,omitempty"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
}

// MetadataFor returns the document for a request: the configured resource, else
// one derived from the request's origin.
func (a *Authenticator) MetadataFor(r *http.Request) Metadata {
	return Metadata{
		Resource:               a.resource(r),
		AuthorizationServers:   []string{a.cfg.Issuer},
		ScopesSupported:        a.cfg.Scopes,
		BearerMethodsSupported: []string{"header"},
	}
}

// MetadataURL is the absolute URL of the metadata document, on the configured
// resource's origin or else the request's.
func (a *Authenticator) MetadataURL(r *http.Request) string {
	if a.cfg.Resource != "" {
		if u, err := url.Parse(a.cfg.Resource); err == nil {
			return u.Scheme + "://" + u.Host + MetadataPath
		}
	}
	return a.origin(r) + MetadataPath
}

func (a *Authenticator) resource(r *http.Request) string {
	if a.cfg.Resource != "" {
		return a.cfg.Resource
	}
	return a.origin(r) + MCPPath
}

// origin is scheme://host[/prefix] of the request as the client sent it, honouring
// the X-Forwarded-Proto/Host/Prefix a Kubernetes ingress sets unless told not to.
func (a *Authenticator) origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if a.cfg.IgnoreForwardedHeaders {
		return scheme + "://" + host
	}
	if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
		scheme = p
	}
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
		host = h
	}
	prefix := strings.TrimSuffix(firstValue(r.Header.Get("X-Forwarded-Prefix")), "/")
	if prefix != "" && !strings.HasPrefix(prefix, "/") {
		prefix = ""
	}
	return scheme + "://" + host + prefix
}

func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// MetadataHandler serves the metadata document at MetadataPath (and below it) for
// GET; it needs no authentication and allows any origin, since clients fetch it
// before they have a token.
func (a *Authenticator) MetadataHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
		case http.MethodOptions:
			w.Header().Set("Access-Control-Allow-Methods", "GET, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			w.Header().Set("Allow", "GET, HEAD, OPTIONS")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(a.MetadataFor(r))
	})
}

// Routes registers the metadata document on mux (both the bare path and the
// path-suffixed form of RFC 9728 §3.1).
func (a *Authenticator) Routes(mux *http.ServeMux) {
	h := a.MetadataHandler()
	mux.Handle(MetadataPath, h)
	mux.Handle(MetadataPath+"/", h)
}
