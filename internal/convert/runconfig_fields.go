package convert

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

var (
	envName       = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)
	sensitiveName = regexp.MustCompile(`(?i)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|AUTH)`)
	windowsPath   = regexp.MustCompile(`^[A-Za-z]:[\\/]`)
)

// transportEnv are the variables the CLI adds for the transport; they carry no secret.
var transportEnv = map[string]bool{"MCP_TRANSPORT": true, "MCP_PORT": true, "FASTMCP_PORT": true}

// env converts env_vars to spec.env sorted by name, flagging values that came from
// env files or look sensitive: they are written in clear text.
func (c *rcConv) env() []v1alpha1.EnvVar {
	var out []v1alpha1.EnvVar
	for _, k := range slices.Sorted(maps.Keys(c.rc.EnvVars)) {
		field := "env_vars." + k
		if !envName.MatchString(k) {
			c.rep.dropped(field, "not a valid environment variable name for the cluster")
			continue
		}
		out = append(out, v1alpha1.EnvVar{Name: k, Value: c.rc.EnvVars[k]})
		switch {
		case transportEnv[k]:
		case c.opts.EnvFileValues[k] != "":
			c.rep.flagged(field, "value came from env file %s and is written in clear text; move it to a Secret (spec.secrets) if it is sensitive", c.opts.EnvFileValues[k])
		case c.rc.EnvFileDir != "":
			c.rep.flagged(field, "may have come from an env file in %s and is written in clear text; move it to a Secret (spec.secrets) if it is sensitive", c.rc.EnvFileDir)
		case sensitiveName.MatchString(k):
			c.rep.flagged(field, "looks sensitive and is written in clear text; move it to a Secret (spec.secrets)")
		}
	}
	if c.rc.EnvFileDir != "" {
		c.rep.info("env_file_dir", "deprecated; its values are already in env_vars (flagged above)")
	}
	return out
}

// secretRef is one parsed `<name>,target=<ENV>` entry.
type secretRef struct{ cli, name, target string }

// parseSecret splits a CLI secret reference.
func parseSecret(s string) (secretRef, error) {
	i := strings.Index(s, ",target=")
	if i <= 0 || i+len(",target=") >= len(s) {
		return secretRef{}, fmt.Errorf("secret %q is not <name>,target=<ENV_VAR>", s)
	}
	ref := secretRef{cli: s[:i], target: s[i+len(",target="):]}
	ref.name = SanitizeName(ref.cli)
	if ref.name == "" || !envName.MatchString(ref.target) {
		return secretRef{}, fmt.Errorf("secret %q: name or target is not usable in the cluster", s)
	}
	return ref, nil
}

// secrets maps the CLI's secret references to spec.secrets (the Secret is named
// after the CLI secret; its key is the target variable) and adds the commands that
// create the Secrets from the CLI's secret store. Values are never written.
func (c *rcConv) secrets() []v1alpha1.SecretEnv {
	var out []v1alpha1.SecretEnv
	keys := map[string][]string{}
	for _, s := range c.rc.Secrets {
		ref, err := parseSecret(s)
		if err != nil {
			c.rep.dropped("secrets", "%v", err)
			continue
		}
		out = append(out, v1alpha1.SecretEnv{Name: ref.name, Key: ref.target, TargetEnvName: ref.target})
		keys[ref.name] = append(keys[ref.name], fmt.Sprintf(`--from-literal=%s="$(thv secret get %s)"`, ref.target, shellQuote(ref.cli)))
		if _, dup := c.rc.EnvVars[ref.target]; dup {
			c.rep.flagged("env_vars."+ref.target, "also set from secret %s; the Secret's value wins in the container only if you remove the plain value", ref.cli)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TargetEnvName < out[j].TargetEnvName })
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		c.rep.command(fmt.Sprintf("kubectl create secret generic %s%s %s", name, c.nsFlag(), strings.Join(keys[name], " ")))
	}
	if len(out) > 0 {
		c.rep.info("secrets", "spec.secrets references Secret(s) that do not exist yet: run the kubectl create secret command(s) below (values are never written)")
	}
	return out
}

func (c *rcConv) nsFlag() string {
	if c.opts.Namespace == "" {
		return ""
	}
	return " -n " + c.opts.Namespace
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if regexp.MustCompile(`^[-._a-zA-Z0-9/]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// volume is one parsed bind mount.
type volume struct {
	host, mount string
	readOnly    bool
}

// parseVolume accepts what the cluster can mount: `/path` (same in the container),
// `/host:/container`, with an optional `:ro` or `:rw`. Relative, Windows and
// scheme:// sources are refused with the reason.
func parseVolume(s string) (volume, error) {
	if strings.Contains(s, "://") {
		return volume{}, fmt.Errorf("volume %q is not a host path (scheme:// sources have no hostPath form); add the volume with podTemplateSpec", s)
	}
	if windowsPath.MatchString(s) {
		return volume{}, fmt.Errorf("volume %q uses a Windows drive path; cluster nodes need an absolute POSIX path", s)
	}
	parts := strings.Split(s, ":")
	var v volume
	switch {
	case len(parts) == 1:
		v = volume{host: parts[0], mount: parts[0]}
	case len(parts) == 2:
		v = volume{host: parts[0], mount: parts[1]}
	case len(parts) == 3 && (parts[2] == "ro" || parts[2] == "rw"):
		v = volume{host: parts[0], mount: parts[1], readOnly: parts[2] == "ro"}
	default:
		return volume{}, fmt.Errorf("volume %q is not host:container[:ro|rw]", s)
	}
	if !strings.HasPrefix(v.host, "/") {
		return volume{}, fmt.Errorf("volume %q: host path %q is relative; a hostPath must be absolute on the node, so write the absolute path", s, v.host)
	}
	if !strings.HasPrefix(v.mount, "/") {
		return volume{}, fmt.Errorf("volume %q: container path %q must be absolute", s, v.mount)
	}
	return v, nil
}

// volumes parses every volume; any bad one is a hard error, as in the original.
func (c *rcConv) volumes() ([]volume, error) {
	var out []volume
	for _, s := range c.rc.Volumes {
		v, err := parseVolume(s)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) > 0 {
		c.rep.info("volumes", "mounted as hostPath volumes volume-<i> of container mcp through spec.podTemplateSpec; the paths must exist on the node")
	}
	return out, nil
}

// mergeVolumes strategic-merges the volumes into a pod template patch (nil: none).
func mergeVolumes(doc []byte, vols []volume) ([]byte, error) {
	tmpl := corev1.PodTemplateSpec{}
	mcp := corev1.Container{Name: "mcp"}
	for i, v := range vols {
		name := fmt.Sprintf("volume-%d", i)
		tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, corev1.Volume{Name: name,
			VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: v.host}}})
		mcp.VolumeMounts = append(mcp.VolumeMounts, corev1.VolumeMount{Name: name, MountPath: v.mount, ReadOnly: v.readOnly})
	}
	tmpl.Spec.Containers = []corev1.Container{mcp}
	add, err := json.Marshal(podTemplateJSON(tmpl))
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return add, nil
	}
	merged, err := strategicpatch.StrategicMergePatch(doc, add, corev1.PodTemplateSpec{})
	if err != nil {
		return nil, fmt.Errorf("merging volumes into k8s_pod_template_patch: %w", err)
	}
	return merged, nil
}

// podTemplateJSON drops the empty metadata and container fields a typed template marshals.
func podTemplateJSON(t corev1.PodTemplateSpec) map[string]any {
	containers := make([]map[string]any, 0, len(t.Spec.Containers))
	for _, ct := range t.Spec.Containers {
		containers = append(containers, map[string]any{"name": ct.Name, "volumeMounts": ct.VolumeMounts})
	}
	return map[string]any{"spec": map[string]any{"volumes": t.Spec.Volumes, "containers": containers}}
}

// permissionProfile maps the CLI's resolved profile to a built-in one. The cluster
// knows none (no egress) and network (all egress); narrower allow-lists are reported.
func (c *rcConv) permissionProfile() *v1alpha1.PermissionProfile {
	p := c.rc.PermissionProfile
	builtin := func(n string) *v1alpha1.PermissionProfile {
		return &v1alpha1.PermissionProfile{Type: v1alpha1.PermissionProfileBuiltin, Name: n}
	}
	if p == nil {
		switch ref := c.rc.PermissionProfileRef; ref {
		case "":
			return nil
		case v1alpha1.PermissionProfileNone, v1alpha1.PermissionProfileNetwork:
			return builtin(ref)
		default:
			c.rep.dropped("permission_profile_name_or_path", "profile %q was not resolved in this RunConfig; only none and network exist in the cluster", ref)
			return nil
		}
	}
	if p.Privileged {
		c.rep.dropped("permission_profile.privileged", "privileged containers are not set by the operator; use podTemplateSpec securityContext if you must")
	}
	if len(p.Read)+len(p.Write) > 0 {
		c.rep.info("permission_profile.read", "the mounts come from volumes, which are converted")
	}
	if n := p.Network; n != nil && n.Inbound != nil && len(n.Inbound.AllowHost) > 0 {
		c.rep.dropped("permission_profile.network.inbound", "inbound host allow-lists have no cluster form; use a NetworkPolicy")
	}
	n := p.Network
	if n == nil || n.Mode == "none" || n.Outbound == nil {
		return builtin(v1alpha1.PermissionProfileNone)
	}
	if n.Outbound.InsecureAllowAll {
		return builtin(v1alpha1.PermissionProfileNetwork)
	}
	if len(n.Outbound.AllowHost)+len(n.Outbound.AllowPort) > 0 {
		c.rep.changed("permission_profile.network.outbound", "allow-list (hosts %v, ports %v) has no built-in form; mapped to none (no egress): add a NetworkPolicy for these hosts, or use network (all egress)", n.Outbound.AllowHost, n.Outbound.AllowPort)
	}
	return builtin(v1alpha1.PermissionProfileNone)
}

// oidc maps oidc_config to an inline oidcConfig; a client secret becomes a Secret
// reference plus the command that creates it from the input file.
func (c *rcConv) oidc() *v1alpha1.OIDCConfig {
	o := c.rc.OIDCConfig
	if o == nil {
		return nil
	}
	if o.Issuer == "" {
		c.rep.dropped("oidc_config", "Issuer is empty; incoming OIDC needs an issuer")
		return nil
	}
	in := &v1alpha1.InlineOIDCConfig{Issuer: o.Issuer, Audience: o.Audience, JWKSURL: o.JWKSURL,
		IntrospectionURL: o.IntrospectionURL, ClientID: o.ClientID, Scopes: o.Scopes, JWKSAllowPrivateIP: o.AllowPrivateIP}
	if o.ClientSecret != "" {
		name := childName(c.name, "oidc")
		in.ClientSecretRef = &v1alpha1.SecretKeyRef{Name: name, Key: "clientSecret"}
		c.rep.command(fmt.Sprintf(`kubectl create secret generic %s%s --from-literal=clientSecret="$(jq -r .oidc_config.ClientSecret %s)"`, name, c.nsFlag(), shellQuote(c.source())))
		c.rep.info("oidc_config.ClientSecret", "referenced from Secret %s key clientSecret (value not written)", name)
	}
	if o.CACertPath != "" {
		c.rep.dropped("oidc_config.CACertPath", "no CA bundle field for incoming OIDC; the issuer needs a certificate the pod trusts")
	}
	if o.AuthTokenFile != "" {
		c.rep.dropped("oidc_config.AuthTokenFile", "no token file for introspection in this API")
	}
	if o.InsecureAllowHTTP {
		c.rep.info("oidc_config.InsecureAllowHTTP", "http:// issuer and key set URLs are accepted as written")
	}
	c.rep.info("oidc_config", "issuer and URLs are used from inside the cluster: check they resolve there")
	return &v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigInline, Inline: in, ResourceURL: o.ResourceURL}
}

func (c *rcConv) source() string {
	if c.opts.Source == "" {
		return "runconfig.json"
	}
	return c.opts.Source
}

// authz maps a Cedar authz_config to an inline authzConfig; other authorizers and
// Cedar options without a field are reported.
func (c *rcConv) authz() *v1alpha1.AuthzConfig {
	if !present(c.rc.AuthzConfig) {
		return nil
	}
	var a AuthzFile
	if err := json.Unmarshal(c.rc.AuthzConfig, &a); err != nil {
		c.rep.dropped("authz_config", "not a valid authorizer config: %v", err)
		return nil
	}
	if a.Type != "cedarv1" || a.Cedar == nil {
		c.rep.dropped("authz_config", "authorizer type %q is not supported; only cedarv1 policies are", a.Type)
		return nil
	}
	cd := a.Cedar
	for _, o := range []struct{ key, val string }{{"primary_upstream_provider", cd.PrimaryUpstreamProvider}, {"group_claim_name", cd.GroupClaimName}, {"role_claim_name", cd.RoleClaimName}, {"group_entity_type", cd.GroupEntityType}} {
		if o.val != "" {
			c.rep.dropped("authz_config.cedar."+o.key, "this API has no authzConfig field for it yet")
		}
	}
	if len(cd.Policies) == 0 {
		c.rep.dropped("authz_config", "the Cedar config has no policies")
		return nil
	}
	return &v1alpha1.AuthzConfig{Type: v1alpha1.AuthzConfigInline,
		Inline: &v1alpha1.InlineAuthzConfig{Policies: cd.Policies, EntitiesJSON: cd.EntitiesJSON}}
}

// cliAuditMaxDataSize is what `thv run --enable-audit` writes (with
// detectApplicationErrors: true); that pair is the CLI's default, not a user choice.
const cliAuditMaxDataSize = 1024

// audit maps audit_config: present means enabled unless it says enabled: false.
func (c *rcConv) audit() *v1alpha1.Audit {
	a := c.rc.AuditConfig
	if a == nil {
		return nil
	}
	enabled := a.Enabled == nil || *a.Enabled
	opts := []struct {
		key string
		set bool
	}{{"component", a.Component != ""}, {"eventTypes", len(a.EventTypes) > 0}, {"excludeEventTypes", len(a.ExcludeEventTypes) > 0},
		{"includeRequestData", a.IncludeRequestData}, {"includeResponseData", a.IncludeResponseData},
		{"detectApplicationErrors", a.DetectApplicationErrors && a.MaxDataSize != cliAuditMaxDataSize}, {"maxDataSize", a.MaxDataSize != 0 && a.MaxDataSize != cliAuditMaxDataSize},
		{"maxDelegationDepth", a.MaxDelegationDepth != 0}, {"logFile", a.LogFile != ""}}
	for _, o := range opts {
		if o.set {
			c.rep.dropped("audit_config."+o.key, "this API has only audit.enabled")
		}
	}
	return &v1alpha1.Audit{Enabled: enabled}
}
