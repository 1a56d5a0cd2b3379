package controllers

import (
	"fmt"
	"slices"
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

// vmcpConfigInputs are the objects a VirtualMCPServer's configuration is resolved from.
type vmcpConfigInputs struct {
	members     []members.Member
	authConfigs map[string]*v1alpha1.MCPExternalAuthConfig
	toolConfigs map[string]*v1alpha1.MCPToolConfig
	composites  map[string]*v1alpha1.VirtualMCPCompositeToolDefinition
	// embedding is the EmbeddingServer of spec.embeddingServerRef (nil: none or missing).
	embedding *v1alpha1.EmbeddingServer
	// incoming is spec.incomingAuth resolved (resolveIncomingAuth, the translation every
	// workload kind shares).
	incoming resolvedAuth
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
	// auth is the outgoing auth of every usable member, as vmcp resolves it.
	auth members.Resolved
	// otlpCA is the referenced MCPTelemetryConfig's CA bundle to mount (nil: none).
	otlpCA *helmcharts.ConfigMapFile
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
	// spec.passthroughHeaders (upstream's top-level form) joins spec.config's list.
	for _, h := range spec.PassthroughHeaders {
		if !slices.ContainsFunc(cfg.PassthroughHeaders, func(c string) bool { return strings.EqualFold(c, h) }) {
			cfg.PassthroughHeaders = append(cfg.PassthroughHeaders, h)
		}
	}
	// Backends and their outgoing auth have one owner: vmcp. In the cluster it computes
	// both from this spec and the group's live members with the same
	// members.ResolveAuth (pkg/vmcp/k8s), so membership changes reach clients without a
	// pod roll. The operator resolves them only to report conditions and to mount the
	// secrets as env vars; the file keeps the backends and outgoingAuth as written.
	auth := members.ResolveAuth(members.AuthInput{Spec: spec.OutgoingAuth, Config: cfg.OutgoingAuth, Members: in.members, AuthConfigs: in.authConfigs})
	if spec.GroupRef != nil {
		cfg.GroupRef = spec.GroupRef.Name
	}
	res.authProblems = auth.Problems
	res.excluded, res.auth = auth.Excluded, auth
	// Secret forwarded headers of the served entries (an unknown env var name would
	// leave vmcp without the header; a skipped entry's Secret may not exist).
	res.env = append(append([]corev1.EnvVar{}, auth.Env...), members.HeaderEnv(auth.WithoutExcluded(in.members))...)
	incoming, env, problems := vmcpIncomingAuth(spec.IncomingAuth, cfg.IncomingAuth, in.incoming)
	cfg.IncomingAuth = incoming
	res.env = append(res.env, env...)
	var sessionEnv []corev1.EnvVar
	cfg.SessionStorage, sessionEnv = sessionStorageConfig(name, spec.SessionStorage, cfg.SessionStorage)
	res.env = append(res.env, sessionEnv...)
	res.authProblems = append(res.authProblems, problems...)
	res.configProblems = applyToolConfigs(cfg.Aggregation, in.toolConfigs)
	res.compositeProblems = inlineCompositeTools(cfg, in.composites)
	res.configProblems = append(res.configProblems, wireEmbeddingServer(cfg, spec.EmbeddingServerRef, in.embedding)...)
	telProblems := wireTelemetry(cfg, &res.env, spec.TelemetryConfigRef, in.telemetry, in.telemetryMissing)
	res.configProblems = append(res.configProblems, telProblems...)
	if spec.TelemetryConfigRef != nil && len(telProblems) == 0 && cfg.Telemetry != nil && cfg.Telemetry.CACertPath != "" {
		res.otlpCA = otlpCA(in.telemetry)
	}
	if err := servedConfig(cfg, auth, in.members).Validate(); err != nil {
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

// servedConfig is what vmcp will serve: the file plus the backends and outgoing auth it
// computes live from the same inputs, normalized as vmcp normalizes it on load. The
// controller validates this, so it refuses what vmcp would (a discovered token exchange
// without OIDC incoming auth, for one; a health check timeout longer than the default
// interval, for another). The file itself is written as the user wrote it.
func servedConfig(cfg *config.Config, auth members.Resolved, ms []members.Member) *config.Config {
	served := cfg.DeepCopy()
	if served.GroupRef != "" {
		served.Backends = withDiscoveredBackends(served.Backends, auth.WithoutExcluded(ms))
	}
	served.OutgoingAuth = auth.OutgoingAuth
	served.Normalize()
	return served
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

// vmcpIncomingAuth is the config form of spec.incomingAuth, resolved by
// resolveIncomingAuth, unless spec.config.incomingAuth is written (it wins). OIDC and
// authz settings kept in ConfigMaps were read by the resolver, so vmcp needs no access
// to ConfigMaps.
func vmcpIncomingAuth(a *v1alpha1.IncomingAuth, written *config.IncomingAuth, res resolvedAuth) (*config.IncomingAuth, []corev1.EnvVar, []string) {
	if written != nil {
		return written, nil, nil
	}
	out := &config.IncomingAuth{Type: config.IncomingAuthAnonymous}
	if a == nil {
		return out, nil, nil
	}
	problems := res.problems
	if a.Type == v1alpha1.IncomingAuthOIDC {
		out.Type, out.OIDC = config.IncomingAuthOIDC, res.oidc
		if res.oidc == nil && len(problems) == 0 {
			problems = append(problems, "spec.incomingAuth: type oidc needs oidcConfigRef (or the legacy oidcConfig)")
		}
	}
	out.Authz = res.authz
	return out, res.env, problems
}

// vmcpIncomingAuthInput is spec.incomingAuth as the shared resolver's input; the OIDC
// forms count only for type oidc.
func vmcpIncomingAuthInput(a *v1alpha1.IncomingAuth) incomingAuthInput {
	if a == nil {
		return incomingAuthInput{field: "spec.incomingAuth."}
	}
	in := incomingAuthInput{field: "spec.incomingAuth.", authz: a.AuthzConfig, refs: authRefs{authz: a.AuthzConfigRef}, secretEnv: vmcpOIDCClientSecretEnv}
	if a.Type == v1alpha1.IncomingAuthOIDC {
		in.oidc, in.refs.oidc = a.OIDCConfig, a.OIDCConfigRef
	}
	return in
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
// The config hash is the file's: the file holds nothing vmcp reads live (discovered
// backends and their outgoing auth are vmcp's), so a group change reaches clients
// through list_changed instead of a pod roll; secret env changes still roll pods
// because they are part of the pod template.
// ms are the group's members: vmcp may read the ConfigMaps of their caBundleRefs.
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
	var metricsPort int64
	if t := cfg.Telemetry; t != nil && t.PrometheusPort != nil && t.EnablePrometheusMetricsPath != nil && *t.EnablePrometheusMetricsPath {
		metricsPort = *t.PrometheusPort
	}
	return helmcharts.VirtualMCPServerValues{
		Image: opts.VMCPImage, Replicas: replicas, Config: string(data), ConfigHash: render.Hash(cfg),
		ServiceType: st, SessionAffinity: affinity, ServiceAccount: sa, CreateServiceAccount: createSA, Env: allEnv,
		CABundleConfigMaps: members.CABundleConfigMaps(ms), RedisCA: redisCAValues(spec.SessionStorage),
		ImagePullSecrets: pull, MetricsPort: metricsPort, AuditLogDir: cfg.AuditLogDir(),
	}, nil
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
