package controllers

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/internal/envvar"
	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
	"github.com/mcp-operator/mcp-operator/pkg/auth/cedar"
)

// Incoming auth of every workload kind (MCPServer, MCPRemoteProxy and VirtualMCPServer's
// spec.incomingAuth), resolved in one place into the settings type both runtime config
// files carry (pkg/auth/authconfig). Every form is resolved or refused: a proxy or
// gateway must never run without the authentication or authorization its resource asks
// for (an unresolved configMap form used to render no auth at all, i.e. allow everything).

// Defaults of oidcConfig.type kubernetes (service account tokens of the cluster).
const (
	defaultKubernetesIssuer   = "https://kubernetes.default.svc"
	defaultKubernetesAudience = "toolhive"
)

// Env vars that carry an inline OIDC clientSecretRef into the pod.
const (
	proxyOIDCClientSecretEnv = "MCP_OIDC_CLIENT_SECRET"
	vmcpOIDCClientSecretEnv  = "VMCP_OIDC_CLIENT_SECRET"
)

// incomingAuthInput is a workload's incoming auth in every form the API accepts.
type incomingAuthInput struct {
	// field prefixes the paths problems name: "spec." or "spec.incomingAuth.".
	field string
	oidc  *v1alpha1.OIDCConfig
	authz *v1alpha1.AuthzConfig
	refs  authRefs
	// secretEnv is the env var an inline clientSecretRef is mounted as.
	secretEnv string
}

// configured reports whether any form of incoming auth is set.
func (in incomingAuthInput) configured() bool {
	return in.oidc != nil || in.authz != nil || in.refs.oidc != nil || in.refs.authz != nil
}

// resolvedAuth is a workload's incoming auth in runtime form.
type resolvedAuth struct {
	oidc  *authconfig.OIDC
	authz *authconfig.Authz
	// env are the secret env vars the settings name (the OIDC client secret).
	env []corev1.EnvVar
	// problems say what to fix; none when everything resolved.
	problems []string
	// missing is set when a referenced object (ConfigMap, MCPOIDCConfig, MCPAuthzConfig)
	// does not exist: user ConfigMaps are not watched, so it is re-checked on a timer.
	missing bool
	// oidcHash and authzHash are the hashes of the referenced MCPOIDCConfig and
	// MCPAuthzConfig specs ("" when none is referenced).
	oidcHash, authzHash string
}

// problem joins the problems into one condition message.
func (a resolvedAuth) problem() string { return strings.Join(a.problems, "; ") }

// resolveIncomingAuth reads what the forms reference (through r, which must not be the
// cache: user ConfigMaps are not cached) and converts them. It is the one translation
// of incoming auth for every kind.
func resolveIncomingAuth(ctx context.Context, r client.Reader, ns string, in incomingAuthInput) (resolvedAuth, error) {
	out, err := resolveSharedAuth(ctx, r, ns, in.field, in.refs)
	if err != nil {
		return out, err
	}
	o := in.oidc
	if legacy := in.refs.oidc.LegacyConfigMap(); legacy != nil && o == nil {
		// The legacy {name, key} form of oidcConfigRef is the configMap form of oidcConfig.
		o = &v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigConfigMap, ConfigMap: legacy, ResourceURL: in.refs.oidc.ResourceURL}
	}
	if o != nil && oidcConfigName(in.refs.oidc) != "" {
		out.problems = append(out.problems, fmt.Sprintf("set only one of %soidcConfig and %soidcConfigRef", in.field, in.field))
	}
	if in.authz != nil && in.refs.authz != nil {
		out.problems = append(out.problems, fmt.Sprintf("set only one of %sauthzConfig and %sauthzConfigRef", in.field, in.field))
	}
	if o != nil {
		data, found, err := configMapKey(ctx, r, ns, o.ConfigMap, v1alpha1.DefaultOIDCConfigMapKey, o.Type == v1alpha1.OIDCConfigConfigMap)
		if err != nil {
			return out, fmt.Errorf("read the OIDC settings ConfigMap: %w", err)
		}
		out.missing = out.missing || !found
		oidc, env, perr := oidcFromSpec(o, data, found, in.secretEnv)
		if perr != nil {
			out.problems = append(out.problems, in.field+"oidcConfig: "+perr.Error())
		} else if out.oidc == nil {
			out.oidc, out.env = oidc, env
		}
	}
	if a := in.authz; a != nil {
		data, found, err := configMapKey(ctx, r, ns, a.ConfigMap, v1alpha1.DefaultAuthzConfigMapKey, a.Type == v1alpha1.AuthzConfigConfigMap)
		if err != nil {
			return out, fmt.Errorf("read the authz policies ConfigMap: %w", err)
		}
		out.missing = out.missing || !found
		authz, perr := authzFromSpec(a, data, found)
		if perr == nil {
			perr = parseCedar(authz)
		}
		if perr != nil {
			out.problems = append(out.problems, in.field+"authzConfig: "+perr.Error())
		} else if out.authz == nil {
			out.authz = authz
		}
	}
	return out, nil
}

// proxyIncomingAuth is the incoming auth input of MCPServer and MCPRemoteProxy: both take it
// from the ProxySpec they embed, with the same field paths and the same client secret env var.
func proxyIncomingAuth(p *v1alpha1.ProxySpec) incomingAuthInput {
	return incomingAuthInput{field: "spec.", oidc: p.OIDCConfig, authz: p.AuthzConfig, refs: authRefs{p.OIDCConfigRef, p.AuthzConfigRef}, secretEnv: proxyOIDCClientSecretEnv}
}

// checkIncomingAuth resolves a proxy workload's incoming auth and sets
// IncomingAuthValidated. When it does not resolve the reconcile stops before anything is
// rendered: a missing reference is looked at again on a timer (errWaitRecheck),
// anything else is a user error (terminal).
func checkIncomingAuth(ctx context.Context, r client.Reader, opts *Options, ns string, in incomingAuthInput, conds *[]metav1.Condition, gen int64) (resolvedAuth, ctrl.Result, error) {
	auth, err := resolveIncomingAuth(ctx, r, ns, in)
	if err != nil {
		return auth, ctrl.Result{}, err
	}
	if setIncomingAuthCondition(conds, in.configured(), auth.problem(), gen) {
		return auth, ctrl.Result{}, nil
	}
	if auth.missing {
		ctrl.LoggerFrom(ctx).V(1).Info("Incoming auth references a missing object; checking again later", "problem", auth.problem())
		return auth, opts.recheckAfter(true), errWaitRecheck
	}
	return auth, ctrl.Result{}, reconcile.TerminalError(fmt.Errorf("incoming auth is not resolved: %s", auth.problem()))
}

// configMapKey reads key (or def) of the referenced ConfigMap when used is set. found is
// false only when a used reference is missing (ConfigMap or key).
func configMapKey(ctx context.Context, r client.Reader, ns string, ref *v1alpha1.ConfigMapKeyRef, def string, used bool) (data []byte, found bool, err error) {
	if !used || ref == nil {
		return nil, true, nil
	}
	key := orDefault(ref.Key, def)
	cm := &corev1.ConfigMap{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: ns, Name: ref.Name}, cm); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("get ConfigMap %s: %w", ref.Name, err)
	}
	if v, ok := cm.Data[key]; ok {
		return []byte(v), true, nil
	}
	if v, ok := cm.BinaryData[key]; ok {
		return v, true, nil
	}
	return nil, false, nil
}

// oidcFromSpec converts an oidcConfig; data is the ConfigMap key's content for type
// configMap. An inline clientSecretRef becomes the env var secretEnv (returned).
func oidcFromSpec(o *v1alpha1.OIDCConfig, data []byte, found bool, secretEnv string) (*authconfig.OIDC, []corev1.EnvVar, error) {
	switch o.Type {
	case v1alpha1.OIDCConfigInline:
		if o.Inline == nil {
			return nil, nil, fmt.Errorf("type inline needs inline")
		}
		out, env := oidcFromInline(o.Inline, o.ResourceURL, secretEnv)
		return out, env, nil
	case v1alpha1.OIDCConfigKubernetes:
		k := o.Kubernetes
		if k == nil {
			k = &v1alpha1.KubernetesOIDCConfig{}
		}
		return kubernetesOIDC(k.Issuer, "", orDefault(k.Audience, defaultKubernetesAudience), o.ResourceURL,
			authconfig.KubernetesTokens{ServiceAccount: k.ServiceAccount, Namespace: k.Namespace}), nil, nil
	case v1alpha1.OIDCConfigConfigMap:
		if o.ConfigMap == nil {
			return nil, nil, fmt.Errorf("type configMap needs configMap")
		}
		if !found {
			return nil, nil, fmt.Errorf("ConfigMap %q or its key %q not found; create it with the OIDC settings (issuer, audience, jwksUrl, clientId) as JSON or YAML",
				o.ConfigMap.Name, orDefault(o.ConfigMap.Key, v1alpha1.DefaultOIDCConfigMapKey))
		}
		return parseOIDCDocument(data, o.ResourceURL, secretEnv)
	default:
		return nil, nil, fmt.Errorf("unknown type %q; use inline, kubernetes or configMap", o.Type)
	}
}

// oidcFromInline converts inline OIDC settings (written in the resource or kept in a
// ConfigMap). The issuer is kept as written: tokens must carry it exactly as iss.
func oidcFromInline(in *v1alpha1.InlineOIDCConfig, resource, secretEnv string) (*authconfig.OIDC, []corev1.EnvVar) {
	out := &authconfig.OIDC{Issuer: in.Issuer, Audience: in.Audience, JWKSURL: in.JWKSURL, ClientID: in.ClientID,
		Resource: resource, Scopes: in.Scopes}
	if in.ClientSecretRef == nil {
		return out, nil
	}
	out.ClientSecretEnv = secretEnv
	return out, []corev1.EnvVar{envvar.FromSecret(secretEnv, in.ClientSecretRef.Name, in.ClientSecretRef.Key)}
}

// kubernetesOIDC validates the cluster's service account tokens, for every kind alike:
// the kubernetes marker makes the proxy runner and vmcp read the keys from the API
// server they run against, with the cluster CA and their own service account
// (pkg/kubeapi), and take its issuer when issuer is the default
// https://kubernetes.default.svc; only sa's tokens are accepted when it is named. jwks,
// when written, is used as written instead.
func kubernetesOIDC(issuer, jwks, audience, resource string, sa authconfig.KubernetesTokens) *authconfig.OIDC {
	return &authconfig.OIDC{Issuer: orDefault(issuer, defaultKubernetesIssuer), JWKSURL: jwks,
		Audience: audience, Resource: resource, Kubernetes: &sa}
}

// parseOIDCDocument reads OIDC settings kept in a ConfigMap, as JSON or YAML, with the
// fields of oidcConfig.inline.
func parseOIDCDocument(data []byte, resource, secretEnv string) (*authconfig.OIDC, []corev1.EnvVar, error) {
	var doc v1alpha1.InlineOIDCConfig
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("the ConfigMap's OIDC settings are not valid JSON or YAML: %v", err)
	}
	if doc.Issuer == "" {
		return nil, nil, fmt.Errorf("the ConfigMap's OIDC settings have no issuer")
	}
	out, env := oidcFromInline(&doc, resource, secretEnv)
	return out, env, nil
}

// parseCedar parses the policies and entities the proxy runner would load, so a syntax
// error is a condition naming the line and column, not a crash loop at start.
func parseCedar(a *authconfig.Authz) error {
	if _, err := cedar.New(a.Policies, a.EntitiesJSON); err != nil {
		return err
	}
	return nil
}

// authzFromSpec converts an authzConfig; data is the ConfigMap key's content for type configMap.
func authzFromSpec(a *v1alpha1.AuthzConfig, data []byte, found bool) (*authconfig.Authz, error) {
	switch a.Type {
	case v1alpha1.AuthzConfigInline:
		if a.Inline == nil {
			return nil, fmt.Errorf("type inline needs inline")
		}
		return &authconfig.Authz{Type: authconfig.AuthzCedar, Policies: a.Inline.Policies, EntitiesJSON: a.Inline.EntitiesJSON}, nil
	case v1alpha1.AuthzConfigConfigMap:
		if a.ConfigMap == nil {
			return nil, fmt.Errorf("type configMap needs configMap")
		}
		if !found {
			return nil, fmt.Errorf("ConfigMap %q or its key %q not found; create it with the Cedar policies as JSON",
				a.ConfigMap.Name, orDefault(a.ConfigMap.Key, v1alpha1.DefaultAuthzConfigMapKey))
		}
		return parseAuthzDocument(data)
	default:
		return nil, fmt.Errorf("unknown type %q; use inline or configMap", a.Type)
	}
}

// parseAuthzDocument reads Cedar policies kept in a ConfigMap: either
// {"policies": [...], "entities_json": "..."} or the same under a "cedar" key
// ({"version": "1.0", "type": "cedarv1", "cedar": {...}}).
func parseAuthzDocument(data []byte) (*authconfig.Authz, error) {
	type cedar struct {
		Policies       []string `json:"policies"`
		EntitiesJSON   string   `json:"entities_json"`
		EntitiesJSONv2 string   `json:"entitiesJson"`
	}
	var doc struct {
		cedar
		Cedar *cedar `json:"cedar"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("the ConfigMap's policies are not valid JSON or YAML: %v", err)
	}
	c := doc.cedar
	if doc.Cedar != nil {
		c = *doc.Cedar
	}
	if len(c.Policies) == 0 {
		return nil, fmt.Errorf(`the ConfigMap holds no Cedar policies; write {"policies": ["permit(principal, action, resource);"]}`)
	}
	return &authconfig.Authz{Type: authconfig.AuthzCedar, Policies: c.Policies, EntitiesJSON: orDefault(c.EntitiesJSON, c.EntitiesJSONv2)}, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// setIncomingAuthCondition reports whether the incoming auth resolved; removed when the
// resource configures none.
func setIncomingAuthCondition(conds *[]metav1.Condition, configured bool, problem string, gen int64) bool {
	t := v1alpha1.ConditionIncomingAuthValidated
	switch {
	case !configured:
		conditions.Remove(conds, t)
		return true
	case problem != "":
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonInvalid, problem), gen)
		return false
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonValid, "incoming authentication and authorization resolved"), gen)
		return true
	}
}
