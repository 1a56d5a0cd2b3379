package controllers

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

// oidcClientSecretEnv carries the incoming OIDC client secret into the vmcp container.
const oidcClientSecretEnv = "VMCP_OIDC_CLIENT_SECRET"

// vmcpConfigInputs are the objects a VirtualMCPServer's configuration is resolved from.
type vmcpConfigInputs struct {
	members     []members.Member
	authConfigs map[string]*v1alpha1.MCPExternalAuthConfig
	toolConfigs map[string]*v1alpha1.MCPToolConfig
	composites  map[string]*v1alpha1.VirtualMCPCompositeToolDefinition
	configMaps  map[string]*corev1.ConfigMap
	// embedding is the EmbeddingServer of spec.embeddingServerRef (nil: none or missing).
	embedding *v1alpha1.EmbeddingServer
	// shared is the resolved MCPOIDCConfig / MCPAuthzConfig of spec.incomingAuth.
	shared sharedAuth
	// telemetry is the resolved spec.telemetryConfigRef; telemetryMissing says it names
	// an MCPTelemetryConfig that does not exist.
	telemetry        resolvedTelemetry
	telemetryMissing bool
}

// vmcpResolved is the resolved configuration and what is wrong with it.
type vmcpResolved struct {
	cfg *config.Config
	env []corev1.EnvVar
	// authProblems, compositeProblems and configProblems feed AuthConfigured,
	// CompositeToolRefsValidated and Valid.
	authProblems, compositeProblems, configProblems []string
	// excluded are the members left out because their own outgoing auth did not
	// resolve (BackendAuthResolved).
	excluded map[string]string
}

// resolveVMCPConfig turns the normalised spec and the objects it references into the
// vmcp config file and the container's secret env vars. It is pure.
func resolveVMCPConfig(name string, spec v1alpha1.VirtualMCPServerSpec, in vmcpConfigInputs) vmcpResolved {
	var res vmcpResolved
	cfg := &config.Config{}
	if spec.Config != nil {
		cfg = spec.Config.DeepCopy()
	}
	if cfg.Name == "" {
		cfg.Name = name
	}
	auth := members.ResolveAuth(members.AuthInput{Spec: spec.OutgoingAuth, Config: cfg.OutgoingAuth, Members: in.members, AuthConfigs: in.authConfigs})
	if spec.GroupRef != nil {
		cfg.GroupRef = spec.GroupRef.Name
		cfg.Backends = withDiscoveredBackends(cfg.Backends, auth.WithoutExcluded(in.members))
	}
	cfg.OutgoingAuth = auth.OutgoingAuth
	res.authProblems = auth.Problems
	res.excluded = auth.Excluded
	res.env = auth.Env
	incoming, env, problems := resolveIncomingAuth(spec, cfg.IncomingAuth, in.configMaps)
	if incoming != nil && cfg.IncomingAuth == nil {
		problems = applySharedIncomingAuth(incoming, spec.IncomingAuth, in.shared, problems)
	}
	cfg.IncomingAuth = incoming
	res.env = append(res.env, env...)
	res.authProblems = append(res.authProblems, problems...)
	res.configProblems = applyToolConfigs(cfg.Aggregation, in.toolConfigs)
	res.compositeProblems = inlineCompositeTools(cfg, in.composites)
	res.configProblems = append(res.configProblems, wireEmbeddingServer(cfg, spec.EmbeddingServerRef, in.embedding)...)
	res.configProblems = append(res.configProblems, wireTelemetry(cfg, &res.env, spec.TelemetryConfigRef, in.telemetry, in.telemetryMissing)...)
	if err := cfg.Validate(); err != nil {
		for _, line := range splitLines(err.Error()) {
			// An unresolved incoming auth is already reported under AuthConfigured.
			if len(problems) == 0 || !strings.HasPrefix(line, "incomingAuth.") {
				res.configProblems = append(res.configProblems, line)
			}
		}
	}
	res.cfg = cfg
	return res
}

// withDiscoveredBackends adds the group's usable members (by name, after the static
// ones written in spec.config.backends, which win).
func withDiscoveredBackends(static []config.StaticBackend, ms []members.Member) []config.StaticBackend {
	out := append([]config.StaticBackend{}, static...)
	seen := map[string]bool{}
	for _, b := range static {
		seen[b.Name] = true
	}
	for _, m := range ms {
		if !seen[m.Name] {
			out = append(out, config.StaticBackend{Name: m.Name, URL: m.URL, Transport: m.Transport})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// resolveIncomingAuth converts spec.incomingAuth into the config form, unless
// spec.config.incomingAuth is written (it wins). OIDC and authz settings kept in
// ConfigMaps are read here, so vmcp needs no access to ConfigMaps.
func resolveIncomingAuth(spec v1alpha1.VirtualMCPServerSpec, written *config.IncomingAuth, cms map[string]*corev1.ConfigMap) (*config.IncomingAuth, []corev1.EnvVar, []string) {
	if written != nil {
		return written, nil, nil
	}
	a := spec.IncomingAuth
	out := &config.IncomingAuth{Type: config.IncomingAuthAnonymous}
	if a == nil {
		return out, nil, nil
	}
	var env []corev1.EnvVar
	var problems []string
	if a.Type == v1alpha1.IncomingAuthOIDC {
		oidc, e, err := resolveOIDC(a, cms)
		if err != nil {
			problems = append(problems, "spec.incomingAuth: "+err.Error())
		}
		out.Type, out.OIDC, env = config.IncomingAuthOIDC, oidc, e
	}
	authz, err := resolveAuthz(a.AuthzConfig, cms)
	if err != nil {
		problems = append(problems, "spec.incomingAuth.authzConfig: "+err.Error())
	}
	out.Authz = authz
	return out, env, problems
}

func resolveOIDC(a *v1alpha1.IncomingAuth, cms map[string]*corev1.ConfigMap) (*config.OIDC, []corev1.EnvVar, error) {
	var inline *v1alpha1.InlineOIDCConfig
	resource := ""
	var ref *v1alpha1.ConfigMapKeyRef
	switch {
	case a.OIDCConfigRef != nil && a.OIDCConfigRef.LegacyConfigMap() == nil:
		return nil, nil, nil // an MCPOIDCConfig: applySharedIncomingAuth
	case a.OIDCConfigRef != nil:
		ref = a.OIDCConfigRef.LegacyConfigMap()
	case a.OIDCConfig != nil && a.OIDCConfig.Type == v1alpha1.OIDCConfigKubernetes:
		k := a.OIDCConfig.Kubernetes
		o := &config.OIDC{Issuer: defaultKubernetesIssuer, Audience: defaultKubernetesAudience, Resource: a.OIDCConfig.ResourceURL}
		if k != nil && k.Issuer != "" {
			o.Issuer = k.Issuer
		}
		if k != nil && k.Audience != "" {
			o.Audience = k.Audience
		}
		return o, nil, nil
	case a.OIDCConfig != nil && a.OIDCConfig.ConfigMap != nil:
		ref, resource = a.OIDCConfig.ConfigMap, a.OIDCConfig.ResourceURL
	case a.OIDCConfig != nil:
		inline, resource = a.OIDCConfig.Inline, a.OIDCConfig.ResourceURL
	}
	if ref != nil {
		cm := cms[ref.Name]
		if cm == nil {
			return nil, nil, fmt.Errorf("ConfigMap %q (OIDC settings) not found in this namespace; create it or fix the reference", ref.Name)
		}
		inline = &v1alpha1.InlineOIDCConfig{}
		if err := decodeJSONKey(cm, orDefault(ref.Key, v1alpha1.DefaultOIDCConfigMapKey), inline); err != nil {
			return nil, nil, err
		}
	}
	if inline == nil {
		return nil, nil, fmt.Errorf("type oidc needs oidcConfigRef (or the legacy oidcConfig)")
	}
	o := &config.OIDC{Issuer: inline.Issuer, ClientID: inline.ClientID, Audience: inline.Audience,
		Resource: resource, JWKSURL: inline.JWKSURL, Scopes: inline.Scopes}
	var env []corev1.EnvVar
	if inline.ClientSecretRef != nil {
		o.ClientSecretEnv = oidcClientSecretEnv
		env = append(env, corev1.EnvVar{Name: oidcClientSecretEnv, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: inline.ClientSecretRef.Name}, Key: inline.ClientSecretRef.Key}}})
	}
	return o, env, nil
}

func resolveAuthz(a *v1alpha1.AuthzConfig, cms map[string]*corev1.ConfigMap) (*config.Authz, error) {
	switch {
	case a == nil:
		return nil, nil
	case a.Inline != nil:
		return &config.Authz{Type: config.AuthzCedar, Policies: a.Inline.Policies, EntitiesJSON: a.Inline.EntitiesJSON}, nil
	case a.ConfigMap != nil:
		cm := cms[a.ConfigMap.Name]
		if cm == nil {
			return nil, fmt.Errorf("ConfigMap %q (authz policies) not found in this namespace; create it or fix the reference", a.ConfigMap.Name)
		}
		key := orDefault(a.ConfigMap.Key, v1alpha1.DefaultAuthzConfigMapKey)
		data, ok := cm.Data[key]
		if !ok {
			return nil, fmt.Errorf("ConfigMap %q has no key %q", a.ConfigMap.Name, key)
		}
		doc, err := parseAuthzDocument([]byte(data))
		if err != nil {
			return nil, err
		}
		return &config.Authz{Type: config.AuthzCedar, Policies: doc.Policies, EntitiesJSON: doc.EntitiesJSON}, nil
	}
	return nil, nil
}

// applyToolConfigs fills each aggregation.tools entry that names an MCPToolConfig
// with its filter and overrides (what the entry writes itself wins).
func applyToolConfigs(a *config.Aggregation, tcs map[string]*v1alpha1.MCPToolConfig) []string {
	if a == nil {
		return nil
	}
	var problems []string
	for i := range a.Tools {
		t := &a.Tools[i]
		if t.ToolConfigRef == nil {
			continue
		}
		tc := tcs[t.ToolConfigRef.Name]
		if tc == nil {
			problems = append(problems, fmt.Sprintf("aggregation.tools[%d].toolConfigRef: MCPToolConfig %q not found in this namespace; create it or remove the reference", i, t.ToolConfigRef.Name))
			continue
		}
		if len(t.Filter) == 0 {
			t.Filter = tc.Spec.ToolsFilter
		}
		for orig, o := range tc.Spec.ToolsOverride {
			if t.Overrides == nil {
				t.Overrides = map[string]config.ToolOverride{}
			}
			if _, own := t.Overrides[orig]; !own {
				t.Overrides[orig] = o
			}
		}
		t.ToolConfigRef = nil
	}
	return problems
}

// inlineCompositeTools replaces compositeToolRefs by the definitions' workflows, so
// the config file is self-contained; missing or invalid definitions are problems.
func inlineCompositeTools(cfg *config.Config, defs map[string]*v1alpha1.VirtualMCPCompositeToolDefinition) []string {
	var problems []string
	for _, ref := range cfg.CompositeToolRefs {
		d := defs[ref.Name]
		if d == nil {
			problems = append(problems, fmt.Sprintf("VirtualMCPCompositeToolDefinition %q not found in this namespace; create it or remove it from spec.config.compositeToolRefs", ref.Name))
			continue
		}
		if errs := config.ValidateCompositeTool(ref.Name, d.Spec, nil); len(errs) > 0 {
			problems = append(problems, fmt.Sprintf("VirtualMCPCompositeToolDefinition %q is invalid: %v", ref.Name, joinErrors(errs)))
			continue
		}
		cfg.CompositeTools = append(cfg.CompositeTools, *d.Spec.DeepCopy())
	}
	cfg.CompositeToolRefs = nil
	return problems
}

// buildVMCPValues turns the resolved configuration into chart values. It is pure.
// The config hash leaves out what vmcp reads live in Kubernetes mode (the
// discovered backends and their outgoing auth), so a group change reaches clients
// through list_changed instead of a pod roll; secret env changes still roll pods
// because they are part of the pod template.
func buildVMCPValues(v *v1alpha1.VirtualMCPServer, spec v1alpha1.VirtualMCPServerSpec, cfg *config.Config, env []corev1.EnvVar, ms []members.Member, opts *Options) (helmcharts.VirtualMCPServerValues, error) {
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return helmcharts.VirtualMCPServerValues{}, err
	}
	replicas := int32(1)
	if spec.Replicas != nil {
		replicas = *spec.Replicas
	}
	sa, createSA := spec.ServiceAccount, false
	if sa == "" {
		sa, createSA = v.Name+"-vmcp", true
	}
	st := string(spec.ServiceType)
	if st == "" {
		st = string(v1alpha1.ServiceTypeClusterIP)
	}
	affinity := string(spec.SessionAffinity)
	if affinity == "" {
		affinity = string(v1alpha1.SessionAffinityClientIP)
	}
	allEnv := append(append([]corev1.EnvVar{}, opts.OperandEnv...), env...)
	var pull []corev1.LocalObjectReference
	for _, s := range spec.ImagePullSecrets {
		pull = append(pull, corev1.LocalObjectReference{Name: s.Name})
	}
	return helmcharts.VirtualMCPServerValues{
		Image: opts.VMCPImage, Replicas: replicas, Config: string(data), ConfigHash: render.Hash(hashedConfig(cfg, ms)),
		ServiceType: st, SessionAffinity: affinity, ServiceAccount: sa, CreateServiceAccount: createSA, Env: allEnv,
		ImagePullSecrets: pull,
	}, nil
}

// hashedConfig is cfg without what vmcp watches live (discovered backends, outgoing auth).
func hashedConfig(cfg *config.Config, ms []members.Member) *config.Config {
	c := cfg.DeepCopy()
	if c.GroupRef == "" {
		return c
	}
	discovered := map[string]bool{}
	for _, m := range ms {
		discovered[m.Name] = true
	}
	var static []config.StaticBackend
	for _, b := range c.Backends {
		if !discovered[b.Name] {
			static = append(static, b)
		}
	}
	c.Backends, c.OutgoingAuth = static, nil
	return c
}

func joinErrors(errs []error) string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, e.Error())
	}
	sort.Strings(out)
	return joinSentences(out)
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// wireEmbeddingServer points the optimizer at the referenced EmbeddingServer
// (turning optimizer mode on if the config did not), or says why it cannot.
func wireEmbeddingServer(cfg *config.Config, ref *v1alpha1.LocalObjectReference, emb *v1alpha1.EmbeddingServer) []string {
	if ref == nil {
		return nil
	}
	if emb == nil {
		return []string{fmt.Sprintf("embeddingServerRef: EmbeddingServer %q not found", ref.Name)}
	}
	if cfg.Optimizer == nil {
		cfg.Optimizer = &config.Optimizer{}
	}
	if cfg.Optimizer.EmbeddingService != "" {
		return []string{"embeddingServerRef and config.optimizer.embeddingService are both set; set one"}
	}
	cfg.Optimizer.EmbeddingService = emb.ServiceURL()
	if cfg.Optimizer.EmbeddingProvider == "" {
		cfg.Optimizer.EmbeddingProvider = config.EmbeddingProviderTEI
	}
	if cfg.Optimizer.EmbeddingModel == "" {
		cfg.Optimizer.EmbeddingModel = emb.Spec.Model
	}
	return nil
}

// applySharedIncomingAuth puts the MCPOIDCConfig and MCPAuthzConfig that
// spec.incomingAuth references into the resolved incoming auth and returns the problems
// (a missing or invalid referenced object), appended to problems.
func applySharedIncomingAuth(out *config.IncomingAuth, a *v1alpha1.IncomingAuth, shared sharedAuth, problems []string) []string {
	if a == nil {
		return problems
	}
	for _, p := range shared.problems {
		problems = append(problems, strings.Replace(p, "spec.", "spec.incomingAuth.", 1))
	}
	if o := shared.oidc; o != nil && a.Type == v1alpha1.IncomingAuthOIDC {
		out.OIDC = &config.OIDC{Issuer: o.Issuer, ClientID: o.ClientID, Audience: o.Audience, Resource: o.ResourceURL,
			JWKSURL: o.JWKSURL, Scopes: a.OIDCConfigRef.Scopes}
	}
	if z := shared.authz; z != nil {
		if a.AuthzConfig != nil {
			return append(problems, "spec.incomingAuth: set only one of authzConfig and authzConfigRef")
		}
		out.Authz = &config.Authz{Type: config.AuthzCedar, Policies: z.Policies, EntitiesJSON: z.EntitiesJSON}
	}
	return problems
}
