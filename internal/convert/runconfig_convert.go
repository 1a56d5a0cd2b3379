package convert

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// APIVersion is the version every converted object is written in: the original's
// current version, served with the identical schema.
var APIVersion = v1beta1.GroupVersion.String()

// rcConv holds one RunConfig conversion in progress.
type rcConv struct {
	rc   *RunConfig
	opts Options
	rep  *Report
	name string
	meta metav1.ObjectMeta
	// extra objects besides the workload (tool config, group).
	extra []client.Object
}

// FromRunConfig converts a RunConfig JSON document.
func FromRunConfig(data []byte, opts Options) (*Result, error) {
	rc, unknown, err := ParseRunConfig(data)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	c := &rcConv{rc: rc, opts: opts, rep: &res.Report}
	for _, k := range unknown {
		c.rep.dropped(k, "not a RunConfig key (schema v0.1.0); nothing in the cluster reads it")
	}
	if err := c.setName(); err != nil {
		return nil, err
	}
	var workload client.Object
	if rc.RemoteURL != "" {
		workload, err = c.remote()
	} else {
		workload, err = c.server()
	}
	if err != nil {
		return nil, fmt.Errorf("converting workload %q: %w", c.name, err)
	}
	c.reportCommon()
	res.Objects = append(append([]client.Object{}, c.extra...), workload)
	return res, nil
}

// setName applies the original's name rule to base_name, container_name, name.
func (c *rcConv) setName() error {
	src := firstNonEmpty(c.rc.BaseName, c.rc.ContainerName, c.rc.Name)
	c.name = SanitizeName(src)
	if c.name == "" {
		return fmt.Errorf("no usable name: base_name, container_name and name (%q) leave nothing after sanitising to [a-z0-9-]; set base_name", src)
	}
	if c.name != src {
		c.rep.info("base_name", "%q becomes metadata.name %q (lower-case, [a-z0-9-] only)", src, c.name)
	}
	c.meta = metav1.ObjectMeta{Name: c.name, Namespace: c.opts.Namespace, Labels: c.labels()}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// labels keeps the user's container labels that are valid Kubernetes labels; the
// CLI's own toolhive* labels are replaced by the operator's app.kubernetes.io labels.
func (c *rcConv) labels() map[string]string {
	keys := slices.Sorted(maps.Keys(c.rc.ContainerLabels))
	var out map[string]string
	for _, k := range keys {
		v := c.rc.ContainerLabels[k]
		field := "container_labels." + k
		switch {
		case k == "toolhive" || strings.HasPrefix(k, "toolhive-"):
			c.rep.info(field, "the CLI's own label; the operator labels pods with app.kubernetes.io/name and instance")
		case len(validation.IsQualifiedName(k)) > 0 || len(validation.IsValidLabelValue(v)) > 0:
			c.rep.dropped(field, "not a valid Kubernetes label (key %q, value %q)", k, v)
		default:
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// server converts a container workload to an MCPServer.
func (c *rcConv) server() (client.Object, error) {
	rc := c.rc
	if rc.Image == "" {
		return nil, fmt.Errorf("image is empty: a container workload needs an image (a remote workload sets remote_url)")
	}
	if strings.Contains(rc.Image, "://") {
		return nil, fmt.Errorf("image %q is a protocol build (uvx://, npx://, go://): the cluster cannot build it; build and push the image, then set image", rc.Image)
	}
	spec := v1alpha1.MCPServerSpec{Image: rc.Image, Args: rc.CmdArgs}
	t, err := c.transport()
	if err != nil {
		return nil, err
	}
	spec.Transport = t
	if t == v1alpha1.TransportStdio {
		spec.ProxyMode = v1alpha1.ProxyModeStreamableHTTP
		if rc.ProxyMode != "" {
			spec.ProxyMode = v1alpha1.ProxyMode(rc.ProxyMode)
		}
	} else if rc.ProxyMode != "" && rc.ProxyMode != rc.Transport {
		c.rep.info("proxy_mode", "ignored for transport %s: the proxy speaks the server's own transport", rc.Transport)
	}
	spec.ProxyPort = port(rc.Port)
	spec.MCPPort = port(rc.TargetPort)
	if spec.ProxyPort != nil {
		c.rep.info("port", "the CLI's host port %d becomes proxyPort: clients in the cluster use http://mcp-%s-proxy.<namespace>.svc.cluster.local:%d (drop proxyPort for the default 8080)", rc.Port, c.name, rc.Port)
	}
	spec.Env = c.env()
	spec.Secrets = c.secrets()
	if spec.PodTemplateSpec, err = c.podTemplate(); err != nil {
		return nil, err
	}
	spec.PermissionProfile = c.permissionProfile()
	spec.GroupRef = c.groupRef()
	spec.ToolConfigRef = c.toolConfig()
	spec.OIDCConfig = c.oidc()
	spec.AuthzConfig = c.authz()
	spec.Audit = c.audit()
	spec.TelemetryConfigRef = c.telemetry()
	spec.TrustProxyHeaders = c.trustProxyHeaders()
	spec.EndpointPrefix = rc.EndpointPrefix
	if rc.MaxRequestBodySize > 0 {
		spec.MaxRequestBodySize = &rc.MaxRequestBodySize
	}
	if spec.ProxyReadTimeout, err = proxyReadTimeout(rc.ProxyReadTimeout); err != nil {
		return nil, err
	}
	if rc.ScalingConfig != nil && rc.ScalingConfig.BackendReplicas != nil {
		spec.BackendReplicas = rc.ScalingConfig.BackendReplicas
	}
	if rc.HeaderForward != nil {
		c.rep.dropped("header_forward", "header injection applies to remote servers; an MCPServer runs the server in the cluster")
	}
	if rc.RemoteAuthConfig != nil && present(rc.RemoteAuthConfig) {
		c.rep.dropped("remote_auth_config", "applies to remote servers only")
	}
	return &v1beta1.MCPServer{TypeMeta: typeMeta("MCPServer"), ObjectMeta: c.meta, Spec: spec}, nil
}

func typeMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: APIVersion, Kind: kind}
}

// transport maps the CLI transport; inspector has no server-side form.
func (c *rcConv) transport() (v1alpha1.Transport, error) {
	switch t := v1alpha1.Transport(c.rc.Transport); t {
	case v1alpha1.TransportStdio, v1alpha1.TransportSSE, v1alpha1.TransportStreamableHTTP:
		return t, nil
	case "":
		c.rep.info("transport", "empty; stdio (the CLI's default) is used")
		return v1alpha1.TransportStdio, nil
	default:
		return "", fmt.Errorf("transport %q is not stdio, sse or streamable-http; the cluster cannot run it", c.rc.Transport)
	}
}

func port(p int) *int32 {
	if p <= 0 || p > 65535 {
		return nil
	}
	v := int32(p)
	return &v
}

// cliDefaultGroup is the group the CLI puts every workload in unless told otherwise.
const cliDefaultGroup = "default"

// groupRef maps group (or --group) to groupRef and, with --with-group, an MCPGroup.
func (c *rcConv) groupRef() *v1alpha1.GroupRef {
	g := c.rc.Group
	if c.opts.Group != "" {
		if g != "" && g != c.opts.Group {
			c.rep.info("group", "%q replaced by --group %q", g, c.opts.Group)
		}
		g = c.opts.Group
	}
	if g == "" {
		return nil
	}
	if g == cliDefaultGroup && c.opts.Group == "" && !c.opts.WithGroup {
		c.rep.info("group", "%q is the CLI's default group, not a choice: no groupRef is written (pass --group default or --with-group to keep it)", g)
		return nil
	}
	name := SanitizeName(g)
	if name != g {
		c.rep.changed("group", "%q is not a valid object name; groupRef names %q", g, name)
	}
	if c.opts.WithGroup {
		c.extra = append(c.extra, newGroup(name, c.opts.Namespace, fmt.Sprintf("Migrated from CLI group '%s'", g)))
	} else {
		c.rep.info("group", "spec.groupRef names MCPGroup %q: create it (or convert with --with-group)", name)
	}
	return &v1alpha1.GroupRef{Name: name}
}

func newGroup(name, ns, desc string) *v1beta1.MCPGroup {
	return &v1beta1.MCPGroup{TypeMeta: typeMeta("MCPGroup"), ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.MCPGroupSpec{Description: desc}}
}

// toolConfig turns tools_filter / tools_override into an MCPToolConfig named <name>-tools.
func (c *rcConv) toolConfig() *v1alpha1.LocalObjectReference {
	if len(c.rc.ToolsFilter) == 0 && len(c.rc.ToolsOverride) == 0 {
		return nil
	}
	spec := v1alpha1.MCPToolConfigSpec{}
	seen := map[string]bool{}
	for _, t := range c.rc.ToolsFilter {
		if !seen[t] {
			spec.ToolsFilter = append(spec.ToolsFilter, t)
			seen[t] = true
		}
	}
	for tool, o := range c.rc.ToolsOverride {
		if spec.ToolsOverride == nil {
			spec.ToolsOverride = map[string]config.ToolOverride{}
		}
		spec.ToolsOverride[tool] = config.ToolOverride{Name: o.Name, Description: o.Description}
	}
	name := childName(c.name, "tools")
	c.extra = append(c.extra, &v1beta1.MCPToolConfig{TypeMeta: typeMeta("MCPToolConfig"),
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: c.opts.Namespace}, Spec: spec})
	c.rep.info("tools_filter", "tools_filter and tools_override are in MCPToolConfig %q (spec.toolConfigRef)", name)
	return &v1alpha1.LocalObjectReference{Name: name}
}

// reportCommon reports the keys that no kind of this API carries, the same for
// every workload kind.
func (c *rcConv) reportCommon() {
	rc := c.rc
	r := c.rep
	if rc.Host != "" && rc.Host != "127.0.0.1" && rc.Host != "localhost" {
		r.info("host", "the proxy listens on the pod's addresses; clients use its Service")
	}
	if rc.TargetHost != "" && rc.TargetHost != "127.0.0.1" && rc.TargetHost != "localhost" {
		r.dropped("target_host", "the proxy reaches the server inside its pod; there is no forward host")
	}
	if len(rc.AllowedOrigins) > 0 {
		r.dropped("allowed_origins", "the proxy has no Origin allow-list setting")
	}
	if len(rc.Publish) > 0 {
		r.dropped("publish", "extra host ports have no cluster form; expose ports with a Service or Ingress")
	}
	if rc.Debug {
		r.dropped("debug", "set LOG_LEVEL=debug on the proxy pod instead")
	}
	if rc.MCPServerGeneration != 0 {
		r.info("mcpserver_generation", "the operator's own bookkeeping; not needed")
	}
	for _, k := range []struct{ key, val string }{{"registry_api_url", rc.RegistryAPIURL}, {"registry_url", rc.RegistryURL}, {"registry_server_name", rc.RegistryServerName}} {
		if k.val != "" {
			r.info(k.key, "registry provenance of the CLI; not needed in the cluster")
		}
	}
	if present(rc.TokenExchangeConfig) {
		r.dropped("token_exchange_config", "create an MCPExternalAuthConfig of type tokenExchange and set spec.externalAuthConfigRef")
	}
	if present(rc.UpstreamSwapConfig) {
		r.dropped("upstream_swap_config", "no upstream token swap in this API")
	}
	if present(rc.AWSSTSConfig) {
		r.dropped("aws_sts_config", "no AWS STS exchange in this API")
	}
	if rc.AuthzConfigPath != "" {
		r.info("authz_config_path", "the file's content is in authz_config, which is converted")
	}
	if rc.AuditConfigPath != "" {
		r.info("audit_config_path", "the file's content is in audit_config, which is converted")
	}
	if present(rc.RateLimitConfig) || rc.RateLimitNamespace != "" {
		r.dropped("rate_limit_config", "no rate limiting in this API")
	}
	if rc.IsolateNetwork {
		r.dropped("isolate_network", "the CLI's egress proxy has no cluster form; permissionProfile none denies all egress with a NetworkPolicy")
	}
	if rc.AllowDockerGateway {
		r.info("allow_docker_gateway", "there is no Docker gateway in the cluster")
	}
	if rc.StrictProtocol {
		r.dropped("strict_protocol_validation", "no such proxy setting in this API")
	}
	if rc.Stateless {
		r.dropped("stateless", "no such proxy setting in this API")
	}
	if rc.SessionTTL != "" {
		r.dropped("session_ttl", "no session idle timeout in this API")
	}
	if rc.ThvCABundle != "" {
		r.dropped("thv_ca_bundle", "deprecated OIDC helper; mount the CA with podTemplateSpec")
	}
	if rc.JWKSAuthTokenFile != "" {
		r.dropped("jwks_auth_token_file", "deprecated OIDC helper; no cluster form")
	}
	if present(rc.IgnoreConfig) {
		r.info("ignore_config", ".thvignore handling applies to local mounts only")
	}
	if present(rc.MiddlewareConfigs) {
		r.info("middleware_configs", "derived from the other keys, which are converted one by one")
	}
	if present(rc.AdditionalMiddleware) {
		r.dropped("additional_middleware_configs", "custom middleware has no cluster form")
	}
	if present(rc.ValidatingWebhooks) {
		r.dropped("validating_webhooks", "webhook middleware has no cluster form yet")
	}
	if present(rc.MutatingWebhooks) {
		r.dropped("mutating_webhooks", "webhook middleware has no cluster form yet")
	}
	if present(rc.RuntimeConfig) {
		r.info("runtime_config", "build settings for protocol images; the cluster pulls image as built")
	}
	if present(rc.EmbeddedAuthServer) {
		r.dropped("embedded_auth_server_config", "no embedded authorization server in this API")
	}
	if rc.ScalingConfig != nil && present(rc.ScalingConfig.SessionRedis) {
		r.dropped("scaling_config.session_redis", "no shared session store in this API")
	}
}

// trustProxyHeaders maps trust_proxy_headers; false is the default and is not written.
func (c *rcConv) trustProxyHeaders() *bool {
	if !c.rc.TrustProxyHeaders {
		return nil
	}
	c.rep.info("trust_proxy_headers", "spec.trustProxyHeaders: only set it when an ingress in front of the proxy sets X-Forwarded-* itself")
	return boolPtr(true)
}

// proxyReadTimeout checks proxy_read_timeout is a Go duration, as spec.proxyReadTimeout
// requires; the CLI accepted it unchecked, so a bad value is a hard error here rather
// than a manifest the apiserver refuses.
func proxyReadTimeout(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if d, err := time.ParseDuration(v); err != nil || d <= 0 {
		return "", fmt.Errorf("proxy_read_timeout %q is not a positive Go duration (e.g. 90s, 5m); fix it in the RunConfig", v)
	}
	return v, nil
}

// podTemplate builds spec.podTemplateSpec from k8s_pod_template_patch and volumes.
func (c *rcConv) podTemplate() (*runtime.RawExtension, error) {
	vols, err := c.volumes()
	if err != nil {
		return nil, err
	}
	patch := strings.TrimSpace(c.rc.K8sPodTemplatePatch)
	if patch == "" && vols == nil {
		return nil, nil
	}
	var doc []byte
	if patch != "" {
		var check map[string]any
		if err := json.Unmarshal([]byte(patch), &check); err != nil {
			return nil, fmt.Errorf("k8s_pod_template_patch is not a JSON object: %w", err)
		}
		doc = []byte(patch)
	}
	if vols != nil {
		if doc, err = mergeVolumes(doc, vols); err != nil {
			return nil, err
		}
	}
	return &runtime.RawExtension{Raw: doc}, nil
}
