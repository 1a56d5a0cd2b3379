package convert

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/ssrf"
)

// remote converts a remote workload to an MCPRemoteProxy, or to an MCPServerEntry
// with Options.AsEntry. The URL is checked with the operator's SSRF rules.
func (c *rcConv) remote() (client.Object, error) {
	rc := c.rc
	allowPrivate, err := checkRemoteURL(rc.RemoteURL, c.opts.AllowLoopback)
	if err != nil {
		return nil, err
	}
	if allowPrivate {
		c.rep.flagged("remote_url", "%q is a private or in-cluster address: allowPrivateEndpoint is set to true", rc.RemoteURL)
	}
	transport := v1alpha1.RemoteTransport(rc.Transport)
	if transport != v1alpha1.RemoteTransportSSE && transport != v1alpha1.RemoteTransportStreamableHTTP {
		if rc.Transport != "" {
			c.rep.changed("transport", "%q is not a remote transport; streamable-http is used", rc.Transport)
		}
		transport = v1alpha1.RemoteTransportStreamableHTTP
	}
	if rc.Image != "" {
		c.rep.dropped("image", "a remote workload runs no container")
	}
	c.remoteContainerKeys()
	if present(rc.RemoteAuthConfig) {
		c.rep.dropped("remote_auth_config", "the CLI's OAuth/bearer login has no in-cluster form: create an MCPExternalAuthConfig (bearerToken or tokenExchange) and set spec.externalAuthConfigRef")
	}
	hf := c.headerForward()
	if c.opts.AsEntry {
		return c.entry(transport, allowPrivate, hf)
	}
	spec := v1alpha1.MCPRemoteProxySpec{RemoteURL: rc.RemoteURL, Transport: transport, AllowPrivateEndpoint: allowPrivate, HeaderForward: hf}
	if p := port(rc.Port); p != nil {
		spec.ProxyPort = *p
	}
	spec.GroupRef = c.groupRef()
	spec.ToolConfigRef = c.toolConfig()
	spec.OIDCConfig = c.oidc()
	spec.AuthzConfig = c.authz()
	spec.Audit = c.audit()
	spec.TelemetryConfigRef = c.telemetry()
	spec.TrustProxyHeaders = c.trustProxyHeaders()
	spec.EndpointPrefix = rc.EndpointPrefix
	c.proxyOnlyKeys("an MCPRemoteProxy")
	c.rep.info("remote_url", "converted to an MCPRemoteProxy (use --as-entry for an MCPServerEntry a VirtualMCPServer reaches directly)")
	return &v1beta1.MCPRemoteProxy{TypeMeta: typeMeta("MCPRemoteProxy"), ObjectMeta: c.meta, Spec: spec}, nil
}

// entry builds the MCPServerEntry form; it has no proxy, so proxy settings are reported.
func (c *rcConv) entry(t v1alpha1.RemoteTransport, allowPrivate bool, hf *v1alpha1.HeaderForward) (client.Object, error) {
	g := c.groupRef()
	if g == nil {
		return nil, errors.New("--as-entry needs a group (an MCPServerEntry must belong to one): set group in the RunConfig or pass --group")
	}
	rc := c.rc
	for _, k := range []struct {
		key string
		set bool
	}{{"oidc_config", rc.OIDCConfig != nil}, {"authz_config", present(rc.AuthzConfig)}, {"audit_config", rc.AuditConfig != nil}} {
		if k.set {
			c.rep.dropped(k.key, "an MCPServerEntry has no proxy: clients authenticate at the VirtualMCPServer (spec.incomingAuth)")
		}
	}
	for _, k := range []struct {
		key string
		set bool
	}{{"telemetry_config", rc.TelemetryConfig != nil}, {"trust_proxy_headers", rc.TrustProxyHeaders}, {"endpoint_prefix", rc.EndpointPrefix != ""},
		{"max_request_body_size", rc.MaxRequestBodySize != 0}, {"proxy_read_timeout", rc.ProxyReadTimeout != ""}} {
		if k.set {
			c.rep.dropped(k.key, "an MCPServerEntry has no proxy of its own: set it on the VirtualMCPServer that serves the group")
		}
	}
	if len(rc.ToolsFilter)+len(rc.ToolsOverride) > 0 {
		c.rep.dropped("tools_filter", "an MCPServerEntry has no tool config: filter its tools in the VirtualMCPServer's spec.config.aggregation.tools")
	}
	if rc.Port > 0 {
		c.rep.info("port", "an MCPServerEntry has no proxy port")
	}
	spec := v1alpha1.MCPServerEntrySpec{RemoteURL: rc.RemoteURL, Transport: t, GroupRef: g, AllowPrivateEndpoint: allowPrivate, HeaderForward: hf}
	return &v1beta1.MCPServerEntry{TypeMeta: typeMeta("MCPServerEntry"), ObjectMeta: c.meta, Spec: spec}, nil
}

// proxyOnlyKeys reports the MCPServer proxy settings the remote proxy kind has no field for.
func (c *rcConv) proxyOnlyKeys(kind string) {
	if c.rc.MaxRequestBodySize != 0 {
		c.rep.dropped("max_request_body_size", "%s has no maxRequestBodySize (only MCPServer has)", kind)
	}
	if c.rc.ProxyReadTimeout != "" {
		c.rep.dropped("proxy_read_timeout", "%s has no proxyReadTimeout (only MCPServer has)", kind)
	}
}

// checkRemoteURL applies the operator's SSRF rules: blocked and (unless allowed)
// loopback hosts are errors; a private host is allowed and returns true so the
// output says so with allowPrivateEndpoint.
func checkRemoteURL(u string, allowLoopback bool) (bool, error) {
	err := ssrf.Check(u, ssrf.Policy{AllowLoopback: allowLoopback})
	var se *ssrf.Error
	if errors.As(err, &se) && se.Reason == ssrf.ReasonPrivate {
		return true, ssrf.Check(u, ssrf.Policy{AllowLoopback: allowLoopback, AllowPrivate: true})
	}
	if err != nil {
		return false, fmt.Errorf("remote URL refused: %w", err)
	}
	return false, nil
}

// remoteContainerKeys reports the container settings a remote workload cannot use.
func (c *rcConv) remoteContainerKeys() {
	rc := c.rc
	for _, k := range []struct {
		key string
		set bool
	}{{"cmd_args", len(rc.CmdArgs) > 0}, {"volumes", len(rc.Volumes) > 0}, {"secrets", len(rc.Secrets) > 0},
		{"permission_profile", rc.PermissionProfile != nil}, {"k8s_pod_template_patch", rc.K8sPodTemplatePatch != ""},
		{"proxy_mode", rc.ProxyMode != "" && rc.ProxyMode != rc.Transport}, {"target_port", rc.TargetPort > 0}} {
		if k.set {
			c.rep.dropped(k.key, "a remote workload runs no container")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(rc.EnvVars)) {
		if !transportEnv[k] {
			c.rep.dropped("env_vars."+k, "a remote workload runs no container")
		}
	}
	if rc.ScalingConfig != nil && rc.ScalingConfig.BackendReplicas != nil {
		c.rep.dropped("scaling_config.backend_replicas", "a remote workload runs no backend")
	}
}

// headerForward maps header_forward; secret-backed headers reference a Secret named
// after the CLI secret (key value) and add the command that creates it.
func (c *rcConv) headerForward() *v1alpha1.HeaderForward {
	h := c.rc.HeaderForward
	if h == nil || len(h.AddPlaintextHeaders)+len(h.AddHeadersFromSecret) == 0 {
		return nil
	}
	out := &v1alpha1.HeaderForward{}
	if len(h.AddPlaintextHeaders) > 0 {
		out.AddPlaintextHeaders = h.AddPlaintextHeaders
	}
	for _, header := range slices.Sorted(maps.Keys(h.AddHeadersFromSecret)) {
		cli := h.AddHeadersFromSecret[header]
		name := SanitizeName(cli)
		if name == "" {
			c.rep.dropped("header_forward.add_headers_from_secret."+header, "secret name %q is not usable in the cluster", cli)
			continue
		}
		out.AddHeadersFromSecret = append(out.AddHeadersFromSecret, v1alpha1.HeaderFromSecret{HeaderName: header,
			ValueSecretRef: v1alpha1.SecretKeyRef{Name: name, Key: "value"}})
		c.rep.command(fmt.Sprintf(`kubectl create secret generic %s%s --from-literal=value="$(thv secret get %s)"`, name, c.nsFlag(), shellQuote(cli)))
	}
	return out
}
