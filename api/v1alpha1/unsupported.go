package v1alpha1

import "github.com/mcp-operator/mcp-operator/pkg/vmcp/config"

// Fields of the original system's API that this operator accepts but does not act on
// yet. Each kind lists them in one table; the controllers report the set ones with the
// Unsupported condition and a Warning event, so a field is never silently ignored.
// Remove an entry when its behaviour is built.

// unsupported is one field that does not take effect: its path and whether it is set.
type unsupported struct {
	path string
	set  bool
}

func setPaths(fields []unsupported) []string {
	var out []string
	for _, f := range fields {
		if f.set {
			out = append(out, f.path)
		}
	}
	return out
}

// authzExtras are the claim-mapping fields of an authzConfig, not built yet.
func authzExtras(prefix string, a *AuthzConfig) []unsupported {
	if a == nil {
		return nil
	}
	return []unsupported{
		{prefix + ".groupClaimName", a.GroupClaimName != ""},
		{prefix + ".roleClaimName", a.RoleClaimName != ""},
		{prefix + ".groupEntityType", a.GroupEntityType != ""},
		{prefix + ".inline.primaryUpstreamProvider", a.Inline != nil && a.Inline.PrimaryUpstreamProvider != ""},
	}
}

// oidcExtras are the inline OIDC settings the token check does not use yet.
func oidcExtras(prefix string, o *OIDCConfig) []unsupported {
	if o == nil || o.Inline == nil {
		return nil
	}
	return []unsupported{{prefix + ".inline.introspectionUrl", o.Inline.IntrospectionURL != ""}}
}

// UnsupportedFields lists the set fields of an MCPServer that do not take effect.
func (s *MCPServerSpec) UnsupportedFields() []string {
	f := []unsupported{
		// Only SSE has a message endpoint to prefix (a stdio server's proxy announces it,
		// an SSE server's is rewritten); Streamable HTTP has none.
		{"spec.endpointPrefix (transport streamable-http has no SSE endpoint)", s.EndpointPrefix != "" && s.Transport == TransportStreamableHTTP},
		// A stdio server's answers travel on the client's SSE stream with proxyMode sse.
		{"spec.proxyReadTimeout (stdio with proxyMode sse)", s.ProxyReadTimeout != "" && (s.Transport == "" || s.Transport == TransportStdio) && s.ProxyMode == ProxyModeSSE},
	}
	return setPaths(append(f, s.ProxySpec.unsupportedFields()...))
}

// UnsupportedFields lists the set fields of an MCPRemoteProxy that do not take effect.
func (s *MCPRemoteProxySpec) UnsupportedFields() []string {
	f := []unsupported{{"spec.endpointPrefix (transport streamable-http has no SSE endpoint)", s.EndpointPrefix != "" && s.Transport != RemoteTransportSSE}}
	return setPaths(append(f, s.ProxySpec.unsupportedFields()...))
}

// UnsupportedFields lists the set fields of a VirtualMCPServer that do not take effect.
func (s *VirtualMCPServerSpec) UnsupportedFields() []string {
	f := []unsupported{
		{"spec.authServerConfig", s.AuthServerConfig != nil},
		{"spec.authServerUpstreamFilter", s.AuthServerUpstreamFilter != nil},
	}
	if a := s.IncomingAuth; a != nil {
		f = append(f, authzExtras("spec.incomingAuth.authzConfig", a.AuthzConfig)...)
		f = append(f, oidcExtras("spec.incomingAuth.oidcConfig", a.OIDCConfig)...)
	}
	out := setPaths(f)
	if s.Config != nil {
		out = append(out, ConfigUnsupportedFields("spec.config", s.Config)...)
	}
	return out
}

// ConfigUnsupportedFields lists the set fields of a vmcp configuration that vmcp does
// not act on; prefix is where the configuration sits ("spec.config").
func ConfigUnsupportedFields(prefix string, c *config.Config) []string {
	f := []unsupported{
		{".codeMode", c.CodeMode != nil},
	}
	if o := c.Operational; o != nil {
		f = append(f, unsupported{".operational.listChanged", o.ListChanged != nil}, unsupported{".operational.logLevel", o.LogLevel != ""})
		if o.Timeouts != nil {
			f = append(f, unsupported{".operational.timeouts.backendInit", o.Timeouts.BackendInit != ""})
		}
	}
	if in := c.IncomingAuth; in != nil && in.OIDC != nil {
		o := in.OIDC
		f = append(f, unsupported{".incomingAuth.oidc.introspectionUrl", o.IntrospectionURL != ""},
			unsupported{".incomingAuth.oidc.caBundlePath", o.CABundlePath != ""})
	}
	if in := c.IncomingAuth; in != nil && in.Authz != nil {
		a := in.Authz
		f = append(f, unsupported{".incomingAuth.authz.groupClaimName", a.GroupClaimName != ""},
			unsupported{".incomingAuth.authz.roleClaimName", a.RoleClaimName != ""},
			unsupported{".incomingAuth.authz.groupEntityType", a.GroupEntityType != ""},
			unsupported{".incomingAuth.authz.primaryUpstreamProvider", a.PrimaryUpstreamProvider != ""})
	}
	if o := c.OutgoingAuth; o != nil {
		if o.Default != nil {
			f = append(f, strategyExtras(".outgoingAuth.default", o.Default)...)
		}
		for name, b := range o.Backends {
			f = append(f, strategyExtras(".outgoingAuth.backends."+name, &b)...)
		}
	}
	for _, b := range c.Backends {
		f = append(f, unsupported{".backends[" + b.Name + "].caBundlePath", b.CABundlePath != ""})
	}
	for _, t := range c.CompositeTools {
		for _, st := range t.Steps {
			at := ".compositeTools[" + t.Name + "].steps[" + st.ID + "]"
			// forEach runs the step's own tool with .item and .index, vmcp's parallelism.
			f = append(f, unsupported{at + ".step", st.Step != nil}, unsupported{at + ".itemVar", st.ItemVar != ""},
				unsupported{at + ".maxIterations", st.MaxIterations != nil}, unsupported{at + ".maxParallel", st.MaxParallel != nil})
		}
	}
	paths := setPaths(f)
	for i := range paths {
		paths[i] = prefix + paths[i]
	}
	return paths
}

func strategyExtras(prefix string, s *config.BackendAuthStrategy) []unsupported {
	return []unsupported{
		{prefix + ".awsSts", s.AWSSTS != nil},
		{prefix + ".obo", s.OBO != nil},
		{prefix + ".xaa", s.XAA != nil},
		{prefix + ".upstreamInject", s.UpstreamInject != nil},
		{prefix + ".tokenExchange.subjectProviderName", s.TokenExchange != nil && s.TokenExchange.SubjectProviderName != ""},
		{prefix + ".tokenExchange.clientSecret", s.TokenExchange != nil && s.TokenExchange.ClientSecret != ""},
	}
}

// UnsupportedFields lists the set fields of an MCPExternalAuthConfig that do not take effect.
func (s *MCPExternalAuthConfigSpec) UnsupportedFields() []string {
	return setPaths([]unsupported{
		{"spec.embeddedAuthServer", s.EmbeddedAuthServer != nil || s.Type == "embeddedAuthServer"},
		{"spec.awsSts", s.AWSSTS != nil || s.Type == "awsSts"},
		{"spec.upstreamInject", s.UpstreamInject != nil || s.Type == "upstreamInject"},
		{"spec.obo", s.OBO != nil || s.Type == "obo"},
		{"spec.xaa", s.XAA != nil || s.Type == "xaa"},
		{"spec.tokenExchange.subjectProviderName", s.TokenExchange != nil && s.TokenExchange.SubjectProviderName != ""},
	})
}

// ConditionUnsupported lists fields that are accepted but do not take effect; its reason
// names them (UnsupportedReason) and its message lists their paths.
const ConditionUnsupported = "Unsupported"

// UnsupportedReason turns field paths into a condition reason that names them:
// ["spec.volumes", "spec.config.codeMode"] gives "SpecVolumes,SpecConfigCodeMode".
func UnsupportedReason(paths []string) string {
	var b []byte
	for i, p := range paths {
		if i > 0 {
			b = append(b, ',')
		}
		up := true
		for _, c := range []byte(p) {
			switch {
			case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
				if up && c >= 'a' && c <= 'z' {
					c -= 'a' - 'A'
				}
				b, up = append(b, c), false
			default:
				up = true
			}
		}
	}
	if len(b) > 1024 {
		b = b[:1024]
	}
	for len(b) > 0 && b[len(b)-1] == ',' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// UnsupportedFields lists the set fields of an MCPOIDCConfig that do not take effect.
func (s *MCPOIDCConfigSpec) UnsupportedFields() []string {
	var f []unsupported
	if in := s.Inline; in != nil {
		f = append(f, unsupported{"spec.inline.introspectionUrl", in.IntrospectionURL != ""},
			unsupported{"spec.inline.caBundleRef", in.CABundleRef != nil},
			unsupported{"spec.inline.clientSecretRef", in.ClientSecretRef != nil},
			unsupported{"spec.inline.jwksAuthTokenPath", in.JWKSAuthTokenPath != ""})
	}
	if k := s.KubernetesServiceAccount; k != nil {
		f = append(f, unsupported{"spec.kubernetesServiceAccount.introspectionUrl", k.IntrospectionURL != ""},
			unsupported{"spec.kubernetesServiceAccount.namespace", k.Namespace != ""},
			unsupported{"spec.kubernetesServiceAccount.serviceAccount", k.ServiceAccount != ""},
			unsupported{"spec.kubernetesServiceAccount.useClusterAuth", k.UseClusterAuth != nil && *k.UseClusterAuth})
	}
	return setPaths(f)
}

// UnsupportedFields lists the set fields of an MCPTelemetryConfig that do not take effect.
func (s *MCPTelemetryConfigSpec) UnsupportedFields() []string {
	o := s.OpenTelemetry
	if o == nil || o.CABundleRef == nil {
		return nil
	}
	// Only a named ConfigMap can be mounted.
	ref := o.CABundleRef.ConfigMapRef
	return setPaths([]unsupported{{"spec.openTelemetry.caBundleRef (no configMapRef.name)", ref == nil || ref.Name == ""}})
}
