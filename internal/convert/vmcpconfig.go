package convert

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// FromVMCPConfig converts a vmcp config file (`vmcp serve --config`) into an
// MCPGroup, a VirtualMCPServer whose spec.config carries the rest of the file, and
// one MCPServerEntry per static URL backend (Options.KeepStatic keeps them inline).
// Values the file takes from environment variables become Secret references of the
// vmcp container plus the commands that create those Secrets.
func FromVMCPConfig(data []byte, opts Options) (*Result, error) {
	cfg, err := config.Decode(data)
	if err != nil {
		return nil, err
	}
	check := cfg.DeepCopy()
	check.Normalize()
	if err := check.Validate(); err != nil {
		return nil, fmt.Errorf("the vmcp config is not valid: %w", err)
	}
	res := &Result{}
	v := &vmcpConv{cfg: cfg, opts: opts, rep: &res.Report}
	if err := v.names(); err != nil {
		return nil, err
	}
	res.Objects = append(res.Objects, newGroup(v.group, opts.Namespace, fmt.Sprintf("Migrated from vmcp config %q", firstNonEmpty(cfg.Name, v.name))))
	entries, err := v.backends()
	if err != nil {
		return nil, err
	}
	res.Objects = append(res.Objects, entries...)
	vm, err := v.server()
	if err != nil {
		return nil, err
	}
	res.Objects = append(res.Objects, vm)
	return res, nil
}

type vmcpConv struct {
	cfg         *config.Config
	opts        Options
	rep         *Report
	name, group string
	// secretEnv are the environment variables the vmcp container reads, each from
	// Secret <name>-env under the same key.
	secretEnv []string
}

// names picks the group (--group, groupRef, name) and the VirtualMCPServer name.
func (v *vmcpConv) names() error {
	v.group = SanitizeName(firstNonEmpty(v.opts.Group, v.cfg.GroupRef, v.cfg.Name))
	if v.group == "" {
		return fmt.Errorf("the vmcp config names no group and no name: pass --group")
	}
	v.name = SanitizeName(v.cfg.Name)
	if v.name == "" {
		v.name = childName(v.group, "vmcp")
	}
	if v.cfg.Name != "" && v.name != v.cfg.Name {
		v.rep.info("name", "%q becomes metadata.name %q", v.cfg.Name, v.name)
	}
	return nil
}

// backends turns each URL backend into an MCPServerEntry of the group (or keeps it
// inline); stdio backends have no cluster form.
func (v *vmcpConv) backends() ([]client.Object, error) {
	var out []client.Object
	var keep []config.StaticBackend
	for _, b := range v.cfg.Backends {
		field := "backends." + b.Name
		if b.Command != "" || b.Transport == config.TransportStdio {
			v.rep.dropped(field, "stdio subprocess backends run only next to a local vmcp; run the server as an MCPServer with groupRef %s", v.group)
			continue
		}
		allowPrivate, err := checkRemoteURL(b.URL, v.opts.AllowLoopback)
		if err != nil {
			return nil, fmt.Errorf("backend %s: %w", b.Name, err)
		}
		if len(b.Env) > 0 {
			v.rep.dropped(field+".env", "only stdio backends use env")
		}
		if v.opts.KeepStatic {
			b.Env = nil
			keep = append(keep, b)
			continue
		}
		name := SanitizeName(b.Name)
		if name != b.Name {
			v.rep.changed(field, "MCPServerEntry is named %q: prefixes, filters and per-backend settings written for %q must use the new name", name, b.Name)
		}
		t := v1alpha1.RemoteTransport(b.Transport)
		if t == "" {
			t = v1alpha1.RemoteTransportStreamableHTTP
		}
		if allowPrivate {
			v.rep.flagged(field, "%q is a private or in-cluster address: allowPrivateEndpoint is set to true", b.URL)
		}
		out = append(out, &v1beta1.MCPServerEntry{TypeMeta: typeMeta("MCPServerEntry"),
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: v.opts.Namespace},
			Spec:       v1alpha1.MCPServerEntrySpec{RemoteURL: b.URL, Transport: t, GroupRef: &v1alpha1.GroupRef{Name: v.group}, AllowPrivateEndpoint: allowPrivate}})
	}
	v.cfg.Backends = keep
	return out, nil
}

// server builds the VirtualMCPServer: incoming auth in spec.incomingAuth (so the
// operator translates it), everything else in spec.config as written.
func (v *vmcpConv) server() (client.Object, error) {
	cfg := v.cfg.DeepCopy()
	if cfg.GroupRef != "" && cfg.GroupRef != v.group {
		v.rep.info("groupRef", "%q replaced by --group %q", cfg.GroupRef, v.group)
	}
	cfg.GroupRef, cfg.Name = "", ""
	in, err := v.incoming(cfg.IncomingAuth)
	if err != nil {
		return nil, err
	}
	cfg.IncomingAuth = nil
	v.outgoingEnv(cfg.OutgoingAuth)
	spec := v1alpha1.VirtualMCPServerSpec{GroupRef: &v1alpha1.GroupRef{Name: v.group}, IncomingAuth: in}
	if !reflect.DeepEqual(*cfg, config.Config{}) {
		spec.Config = cfg
	}
	if len(v.secretEnv) > 0 {
		spec.PodTemplateSpec = v.envPatch()
	}
	return &v1beta1.VirtualMCPServer{TypeMeta: typeMeta("VirtualMCPServer"),
		ObjectMeta: metav1.ObjectMeta{Name: v.name, Namespace: v.opts.Namespace}, Spec: spec}, nil
}

// incoming converts the file's incomingAuth to spec.incomingAuth.
func (v *vmcpConv) incoming(a *config.IncomingAuth) (*v1alpha1.IncomingAuth, error) {
	out := &v1alpha1.IncomingAuth{Type: v1alpha1.IncomingAuthAnonymous}
	if a == nil {
		v.rep.info("incomingAuth", "not set; anonymous (no client authentication) is written: configure OIDC before exposing the server")
		return out, nil
	}
	switch a.Type {
	case config.IncomingAuthOIDC:
		o := a.OIDC
		in := &v1alpha1.InlineOIDCConfig{Issuer: o.Issuer, ClientID: o.ClientID, Audience: o.Audience, JWKSURL: o.JWKSURL, Scopes: o.Scopes}
		if o.ClientSecretEnv != "" {
			name := childName(v.name, "oidc")
			in.ClientSecretRef = &v1alpha1.SecretKeyRef{Name: name, Key: "clientSecret"}
			v.rep.command(fmt.Sprintf(`kubectl create secret generic %s%s --from-literal=clientSecret="$%s"`, name, v.nsFlag(), o.ClientSecretEnv))
		}
		out.Type = v1alpha1.IncomingAuthOIDC
		out.OIDCConfig = &v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigInline, Inline: in, ResourceURL: o.Resource}
	case config.IncomingAuthLocal:
		return nil, fmt.Errorf("incomingAuth.type local trusts the local user and has no cluster form: use oidc or anonymous")
	}
	if z := a.Authz; z != nil && z.Type == config.AuthzCedar {
		out.AuthzConfig = &v1alpha1.AuthzConfig{Type: v1alpha1.AuthzConfigInline,
			Inline: &v1alpha1.InlineAuthzConfig{Policies: z.Policies, EntitiesJSON: z.EntitiesJSON}}
	}
	return out, nil
}

// outgoingEnv collects the environment variables outgoing auth reads.
func (v *vmcpConv) outgoingEnv(o *config.OutgoingAuth) {
	if o == nil {
		return
	}
	strategies := []*config.BackendAuthStrategy{o.Default}
	for _, k := range slices.Sorted(maps.Keys(o.Backends)) {
		s := o.Backends[k]
		strategies = append(strategies, &s)
	}
	for _, s := range strategies {
		switch {
		case s == nil:
		case s.HeaderInjection != nil:
			v.addEnv(s.HeaderInjection.HeaderValueEnv)
		case s.TokenExchange != nil && s.TokenExchange.ClientSecretEnv != "":
			v.addEnv(s.TokenExchange.ClientSecretEnv)
		}
	}
}

func (v *vmcpConv) addEnv(name string) {
	for _, e := range v.secretEnv {
		if e == name {
			return
		}
	}
	v.secretEnv = append(v.secretEnv, name)
}

// envPatch gives the vmcp container each collected variable from Secret
// <name>-env, and adds the command that fills that Secret from the local environment.
func (v *vmcpConv) envPatch() *runtime.RawExtension {
	sort.Strings(v.secretEnv)
	secret := childName(v.name, "env")
	var env []corev1.EnvVar
	var lits []string
	for _, e := range v.secretEnv {
		env = append(env, corev1.EnvVar{Name: e, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: e}}})
		lits = append(lits, fmt.Sprintf(`--from-literal=%s="$%s"`, e, e))
	}
	v.rep.command(fmt.Sprintf("kubectl create secret generic %s%s %s", secret, v.nsFlag(), strings.Join(lits, " ")))
	v.rep.info("outgoingAuth", "the vmcp container reads %s from Secret %s (values not written)", strings.Join(v.secretEnv, ", "), secret)
	b, _ := json.Marshal(map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "vmcp", "env": env}}}})
	return &runtime.RawExtension{Raw: b}
}

func (v *vmcpConv) nsFlag() string {
	if v.opts.Namespace == "" {
		return ""
	}
	return " -n " + v.opts.Namespace
}
