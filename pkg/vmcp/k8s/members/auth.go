package members

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/envvar"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// EnvName is the vmcp container's env var carrying one secret of an
// MCPExternalAuthConfig: VMCP_AUTH_<CONFIG>_<SUFFIX>. It depends only on the
// config's name, so every backend using the config shares the variable and a new
// backend with an already-mounted config works without a pod roll.
func EnvName(configName, suffix string) string {
	return envvar.Name("VMCP_AUTH_", configName) + "_" + suffix
}

// Strategy converts an MCPExternalAuthConfig into the vmcp config's strategy and
// the env vars that carry its secrets (secretKeyRef; values never leave the
// Secret). A bearer token becomes header injection of Authorization, whose value
// "Bearer $(token)" is composed by Kubernetes env var expansion.
func Strategy(ea *v1alpha1.MCPExternalAuthConfig) (config.BackendAuthStrategy, []corev1.EnvVar, error) {
	return StrategyNamed(ea, func(suffix string) string { return EnvName(ea.Name, suffix) })
}

// StrategyNamed is Strategy with the env var names envName gives for the suffixes
// HEADER_VALUE, TOKEN, AUTHORIZATION and CLIENT_SECRET: the one translation of an
// MCPExternalAuthConfig, also used for the proxy runner, which names its own variables.
func StrategyNamed(ea *v1alpha1.MCPExternalAuthConfig, envName func(suffix string) string) (config.BackendAuthStrategy, []corev1.EnvVar, error) {
	name := ea.Name
	switch ea.Spec.Type {
	case v1alpha1.ExternalAuthUnauthenticated:
		return config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}, nil, nil
	case v1alpha1.ExternalAuthHeaderInjection:
		hi := ea.Spec.HeaderInjection
		if hi == nil {
			return config.BackendAuthStrategy{}, nil, fmt.Errorf("MCPExternalAuthConfig %q: type headerInjection needs spec.headerInjection", name)
		}
		env := envName("HEADER_VALUE")
		return config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection,
				HeaderInjection: &config.HeaderInjection{HeaderName: hi.HeaderName, HeaderValueEnv: env}},
			[]corev1.EnvVar{envvar.FromSecret(env, hi.ValueSecretRef.Name, hi.ValueSecretRef.Key)}, nil
	case v1alpha1.ExternalAuthBearerToken:
		bt := ea.Spec.BearerToken
		if bt == nil {
			return config.BackendAuthStrategy{}, nil, fmt.Errorf("MCPExternalAuthConfig %q: type bearerToken needs spec.bearerToken", name)
		}
		token, header := envName("TOKEN"), envName("AUTHORIZATION")
		return config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection,
				HeaderInjection: &config.HeaderInjection{HeaderName: "Authorization", HeaderValueEnv: header}},
			[]corev1.EnvVar{envvar.FromSecret(token, bt.TokenSecretRef.Name, bt.TokenSecretRef.Key), {Name: header, Value: "Bearer $(" + token + ")"}}, nil
	case v1alpha1.ExternalAuthTokenExchange:
		te := ea.Spec.TokenExchange
		if te == nil {
			return config.BackendAuthStrategy{}, nil, fmt.Errorf("MCPExternalAuthConfig %q: type tokenExchange needs spec.tokenExchange", name)
		}
		out := &config.TokenExchange{TokenURL: te.TokenURL, ClientID: te.ClientID, Audience: te.Audience,
			Scopes: te.Scopes, SubjectTokenType: te.SubjectTokenType}
		var env []corev1.EnvVar
		if te.ClientSecretRef != nil {
			out.ClientSecretEnv = envName("CLIENT_SECRET")
			env = append(env, envvar.FromSecret(out.ClientSecretEnv, te.ClientSecretRef.Name, te.ClientSecretRef.Key))
		}
		return config.BackendAuthStrategy{Type: config.BackendAuthTokenExchange, TokenExchange: out}, env, nil
	}
	return config.BackendAuthStrategy{}, nil, fmt.Errorf("MCPExternalAuthConfig %q: unknown type %q", name, ea.Spec.Type)
}

// AuthInput is everything outgoing authentication is resolved from.
type AuthInput struct {
	// Spec is the VirtualMCPServer's spec.outgoingAuth (CRD form); nil means discovered.
	Spec *v1alpha1.OutgoingAuth
	// Config is spec.config.outgoingAuth (config-file form); its per-backend entries
	// and default win over Spec.
	Config *config.OutgoingAuth
	// Members are the usable backends.
	Members []Member
	// AuthConfigs are the namespace's MCPExternalAuthConfigs by name.
	AuthConfigs map[string]*v1alpha1.MCPExternalAuthConfig
}

// Resolved is outgoing authentication in config-file form.
type Resolved struct {
	// OutgoingAuth has one entry per backend (and the default).
	OutgoingAuth *config.OutgoingAuth
	// Env are the vmcp container's secret env vars, sorted and unique.
	Env []corev1.EnvVar
	// Refs maps a backend to the MCPExternalAuthConfig it uses.
	Refs map[string]string
	// Problems say what to fix (a missing or malformed MCPExternalAuthConfig of the
	// default, which concerns every backend).
	Problems []string
	// Excluded maps a member whose own MCPExternalAuthConfig is missing or malformed
	// to the problem: that backend alone is left out (never called with another
	// backend's or no credentials), the others are served.
	Excluded map[string]string
}

// ResolveAuth picks each backend's strategy: a spec.config.outgoingAuth entry as
// written; else spec.outgoingAuth.backends[name]; else, with source discovered,
// the member's own externalAuthConfigRef; else the default (spec.config's, then
// spec.outgoingAuth.default's, then unauthenticated).
func ResolveAuth(in AuthInput) Resolved {
	r := &resolver{in: in, out: Resolved{Refs: map[string]string{}, Excluded: map[string]string{}}, env: map[string]corev1.EnvVar{}}
	source := config.OutgoingAuthDiscovered
	if in.Spec != nil && in.Spec.Source == v1alpha1.OutgoingAuthInline {
		source = config.OutgoingAuthInline
	}
	oa := &config.OutgoingAuth{Source: source, Backends: map[string]config.BackendAuthStrategy{}}
	oa.Default = r.defaultStrategy()
	for _, m := range in.Members {
		if s, ok := r.forMember(m, source); ok {
			oa.Backends[m.Name] = s
		}
	}
	if len(oa.Backends) == 0 {
		oa.Backends = nil
	}
	r.out.OutgoingAuth = oa
	for _, k := range sortedKeys(r.env) {
		r.out.Env = append(r.out.Env, r.env[k])
	}
	// Kubernetes expands $(VAR) only for variables defined earlier: tokens before the headers built from them.
	sort.SliceStable(r.out.Env, func(i, j int) bool { return r.out.Env[i].ValueFrom != nil && r.out.Env[j].ValueFrom == nil })
	return r.out
}

type resolver struct {
	in  AuthInput
	out Resolved
	env map[string]corev1.EnvVar
}

func (r *resolver) defaultStrategy() *config.BackendAuthStrategy {
	if r.in.Config != nil && r.in.Config.Default != nil {
		d := *r.in.Config.Default
		return &d
	}
	if r.in.Spec != nil && r.in.Spec.Default != nil && r.in.Spec.Default.Type == v1alpha1.BackendAuthExternalAuthConfigRef {
		if s, ok := r.fromRef("outgoingAuth.default", r.in.Spec.Default.ExternalAuthConfigRef.Name); ok {
			return &s
		}
	}
	return &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}
}

// forMember returns m's strategy; false when it is the unauthenticated fallback or
// could not be resolved (a problem is recorded).
func (r *resolver) forMember(m Member, source config.OutgoingAuthSource) (config.BackendAuthStrategy, bool) {
	if r.in.Config != nil {
		if s, ok := r.in.Config.Backends[m.Name]; ok {
			return s, true
		}
	}
	ref := ""
	if b, ok := r.specBackend(m.Name); ok {
		ref = m.AuthConfigRef
		if b.Type == v1alpha1.BackendAuthExternalAuthConfigRef && b.ExternalAuthConfigRef != nil {
			ref = b.ExternalAuthConfigRef.Name
		}
	} else if source == config.OutgoingAuthDiscovered {
		ref = m.AuthConfigRef
	} else if d := r.specDefault(); d != nil && d.Type == v1alpha1.BackendAuthDiscovered {
		ref = m.AuthConfigRef
	}
	if ref == "" {
		return config.BackendAuthStrategy{}, false
	}
	problems := len(r.out.Problems)
	s, ok := r.fromRef("backend "+m.Name, ref)
	if ok {
		r.out.Refs[m.Name] = ref
	} else if len(r.out.Problems) > problems {
		// This backend's own reference: leave it out, not the whole server.
		r.out.Excluded[m.Name] = r.out.Problems[len(r.out.Problems)-1]
		r.out.Problems = r.out.Problems[:problems]
	}
	return s, ok
}

// WithoutExcluded returns ms less the members r leaves out.
func (r Resolved) WithoutExcluded(ms []Member) []Member {
	var out []Member
	for _, m := range ms {
		if _, gone := r.Excluded[m.Name]; !gone {
			out = append(out, m)
		}
	}
	return out
}

func (r *resolver) specBackend(name string) (v1alpha1.BackendAuth, bool) {
	if r.in.Spec == nil {
		return v1alpha1.BackendAuth{}, false
	}
	b, ok := r.in.Spec.Backends[name]
	return b, ok
}

func (r *resolver) specDefault() *v1alpha1.BackendAuth {
	if r.in.Spec == nil {
		return nil
	}
	return r.in.Spec.Default
}

func (r *resolver) fromRef(who, ref string) (config.BackendAuthStrategy, bool) {
	ea := r.in.AuthConfigs[ref]
	if ea == nil {
		r.out.Problems = append(r.out.Problems, fmt.Sprintf("%s: MCPExternalAuthConfig %q not found in this namespace; create it or change the reference", who, ref))
		return config.BackendAuthStrategy{}, false
	}
	s, env, err := Strategy(ea)
	if err != nil {
		r.out.Problems = append(r.out.Problems, who+": "+err.Error())
		return config.BackendAuthStrategy{}, false
	}
	for _, e := range env {
		r.env[e.Name] = e
	}
	return s, true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
