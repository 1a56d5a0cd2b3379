package v1alpha1

// What the proxy of an MCPServer or MCPRemoteProxy does with its shared settings, read in one
// place so the two kinds cannot drift.

// AuditEnabled reports whether the proxy writes audit events.
func (p *ProxySpec) AuditEnabled() bool { return p.Audit != nil && p.Audit.Enabled }

// TrustsProxyHeaders reports whether the proxy honours X-Forwarded headers (off by default:
// they shape the OAuth URLs, so only a trusted ingress may set them).
func (p *ProxySpec) TrustsProxyHeaders() bool {
	return p.TrustProxyHeaders != nil && *p.TrustProxyHeaders
}

// ProxyReplicas is the proxy Deployment's replica count: replicas, or 1 when unset.
func (p *ProxySpec) ProxyReplicas() int32 {
	if p.Replicas != nil {
		return *p.Replicas
	}
	return 1
}

// unsupportedFields lists the shared settings that are accepted but not built for the proxy.
func (p *ProxySpec) unsupportedFields() []unsupported {
	f := []unsupported{
		{"spec.authServerRef", p.AuthServerRef != nil},
		{"spec.sessionStorage (provider redis)", p.SessionStorage.SharedSessions()},
	}
	f = append(f, authzExtras("spec.authzConfig", p.AuthzConfig)...)
	return append(f, oidcExtras("spec.oidcConfig", p.OIDCConfig)...)
}
