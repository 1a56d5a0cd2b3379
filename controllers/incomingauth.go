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
	"github.com/mcp-operator/mcp-operator/pkg/auth/cedar"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

// Incoming auth (oidcConfig, authzConfig) of MCPServer and MCPRemoteProxy, resolved into
// the proxy runner's config. Every form is resolved or refused: a proxy must never run
// without the authentication or authorization its resource asks for (an unresolved
// configMap form used to render no auth at all, i.e. allow everything).

// Defaults of oidcConfig.type kubernetes (service account tokens of the cluster).
const (
	defaultKubernetesIssuer   = "https://kubernetes.default.svc"
	defaultKubernetesAudience = "toolhive"
)

// resolvedAuth is a workload's incoming auth in proxy-runner form.
type resolvedAuth struct {
	oidc  *runconfig.OIDC
	authz *runconfig.Authz
	// problem says what to fix; "" when everything resolved.
	problem string
	// missing is set when a referenced ConfigMap does not exist (re-checked on a timer).
	missing bool
	// oidcHash and authzHash are the hashes of the referenced MCPOIDCConfig and
	// MCPAuthzConfig specs ("" when none is referenced).
	oidcHash, authzHash string
}

// resolveWorkloadAuth reads the ConfigMaps the two configs may reference (through r,
// which must not be the cache: user ConfigMaps are not cached) and converts both.
func resolveWorkloadAuth(ctx context.Context, r client.Reader, ns string, o *v1alpha1.OIDCConfig, a *v1alpha1.AuthzConfig, refs authRefs) (resolvedAuth, error) {
	var out resolvedAuth
	shared, err := resolveSharedAuth(ctx, r, ns, refs)
	if err != nil {
		return out, err
	}
	problems := shared.problems
	out.oidc, out.authz, out.missing = shared.oidc, shared.authz, shared.missing
	out.oidcHash, out.authzHash = shared.oidcHash, shared.authzHash
	if legacy := refs.oidc.LegacyConfigMap(); legacy != nil && o == nil {
		// The legacy {name, key} form of oidcConfigRef is the configMap form of oidcConfig.
		o = &v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigConfigMap, ConfigMap: legacy, ResourceURL: refs.oidc.ResourceURL}
	}
	if o != nil && oidcConfigName(refs.oidc) != "" {
		problems = append(problems, "set only one of spec.oidcConfig and spec.oidcConfigRef")
	}
	if a != nil && refs.authz != nil {
		problems = append(problems, "set only one of spec.authzConfig and spec.authzConfigRef")
	}
	if o != nil {
		data, found, err := configMapKey(ctx, r, ns, o.ConfigMap, v1alpha1.DefaultOIDCConfigMapKey, o.Type == v1alpha1.OIDCConfigConfigMap)
		if err != nil {
			return out, err
		}
		out.missing = out.missing || !found
		var perr error
		if out.oidc, perr = oidcFromSpec(o, data, found); perr != nil {
			problems = append(problems, "spec.oidcConfig: "+perr.Error())
		}
	}
	if a != nil {
		data, found, err := configMapKey(ctx, r, ns, a.ConfigMap, v1alpha1.DefaultAuthzConfigMapKey, a.Type == v1alpha1.AuthzConfigConfigMap)
		if err != nil {
			return out, err
		}
		out.missing = out.missing || !found
		var perr error
		if out.authz, perr = authzFromSpec(a, data, found); perr == nil {
			perr = parseCedar(out.authz)
		}
		if perr != nil {
			problems = append(problems, "spec.authzConfig: "+perr.Error())
		}
	}
	out.problem = strings.Join(problems, "; ")
	return out, nil
}

// checkIncomingAuth resolves a workload's oidcConfig and authzConfig and sets
// IncomingAuthValidated. When they do not resolve the reconcile stops before anything is
// rendered: a missing ConfigMap is looked at again on a timer (errWaitRecheck), anything
// else is a user error (terminal).
func checkIncomingAuth(ctx context.Context, r client.Reader, opts *Options, ns string, o *v1alpha1.OIDCConfig, a *v1alpha1.AuthzConfig, refs authRefs, conds *[]metav1.Condition, gen int64) (resolvedAuth, ctrl.Result, error) {
	auth, err := resolveWorkloadAuth(ctx, r, ns, o, a, refs)
	if err != nil {
		return auth, ctrl.Result{}, err
	}
	if setIncomingAuthCondition(conds, o != nil || a != nil || refs.oidc != nil || refs.authz != nil, auth.problem, gen) {
		return auth, ctrl.Result{}, nil
	}
	if auth.missing {
		return auth, opts.recheckAfter(true), errWaitRecheck
	}
	return auth, ctrl.Result{}, reconcile.TerminalError(fmt.Errorf("incoming auth is not resolved"))
}

// configMapKey reads key (or def) of the referenced ConfigMap when used is set. found is
// false only when a used reference is missing (ConfigMap or key).
func configMapKey(ctx context.Context, r client.Reader, ns string, ref *v1alpha1.ConfigMapKeyRef, def string, used bool) (data []byte, found bool, err error) {
	if !used || ref == nil {
		return nil, true, nil
	}
	key := ref.Key
	if key == "" {
		key = def
	}
	cm := &corev1.ConfigMap{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: ns, Name: ref.Name}, cm); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, false, nil
		}
		return nil, false, err
	}
	if v, ok := cm.Data[key]; ok {
		return []byte(v), true, nil
	}
	if v, ok := cm.BinaryData[key]; ok {
		return v, true, nil
	}
	return nil, false, nil
}

// oidcFromSpec converts an oidcConfig; data is the ConfigMap key's content for type configMap.
func oidcFromSpec(o *v1alpha1.OIDCConfig, data []byte, found bool) (*runconfig.OIDC, error) {
	switch o.Type {
	case v1alpha1.OIDCConfigInline:
		if o.Inline == nil {
			return nil, fmt.Errorf("type inline needs inline")
		}
		in := o.Inline
		return &runconfig.OIDC{Issuer: in.Issuer, Audience: in.Audience, JWKSURL: in.JWKSURL, ClientID: in.ClientID, ResourceURL: o.ResourceURL}, nil
	case v1alpha1.OIDCConfigKubernetes:
		k := o.Kubernetes
		if k == nil {
			k = &v1alpha1.KubernetesOIDCConfig{}
		}
		issuer := strings.TrimSuffix(orDefault(k.Issuer, defaultKubernetesIssuer), "/")
		return &runconfig.OIDC{Issuer: issuer, Audience: orDefault(k.Audience, defaultKubernetesAudience),
			JWKSURL: issuer + "/openid/v1/jwks", ResourceURL: o.ResourceURL}, nil
	case v1alpha1.OIDCConfigConfigMap:
		if o.ConfigMap == nil {
			return nil, fmt.Errorf("type configMap needs configMap")
		}
		if !found {
			return nil, fmt.Errorf("ConfigMap %q or its key %q not found; create it with the OIDC settings (issuer, audience, jwksUrl, clientId) as JSON or YAML",
				o.ConfigMap.Name, orDefault(o.ConfigMap.Key, v1alpha1.DefaultOIDCConfigMapKey))
		}
		return parseOIDCDocument(data, o.ResourceURL)
	default:
		return nil, fmt.Errorf("unknown type %q; use inline, kubernetes or configMap", o.Type)
	}
}

// parseOIDCDocument reads OIDC settings kept in a ConfigMap.
func parseOIDCDocument(data []byte, resourceURL string) (*runconfig.OIDC, error) {
	var doc struct {
		Issuer   string `json:"issuer"`
		Audience string `json:"audience"`
		JWKSURL  string `json:"jwksUrl"`
		ClientID string `json:"clientId"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("the ConfigMap's OIDC settings are not valid JSON or YAML: %v", err)
	}
	if doc.Issuer == "" {
		return nil, fmt.Errorf("the ConfigMap's OIDC settings have no issuer")
	}
	return &runconfig.OIDC{Issuer: doc.Issuer, Audience: doc.Audience, JWKSURL: doc.JWKSURL, ClientID: doc.ClientID, ResourceURL: resourceURL}, nil
}

// parseCedar parses the policies and entities the proxy runner would load, so a syntax
// error is a condition naming the line and column, not a crash loop at start.
func parseCedar(a *runconfig.Authz) error {
	if _, err := cedar.New(a.Policies, a.EntitiesJSON); err != nil {
		return err
	}
	return nil
}

// authzFromSpec converts an authzConfig; data is the ConfigMap key's content for type configMap.
func authzFromSpec(a *v1alpha1.AuthzConfig, data []byte, found bool) (*runconfig.Authz, error) {
	switch a.Type {
	case v1alpha1.AuthzConfigInline:
		if a.Inline == nil {
			return nil, fmt.Errorf("type inline needs inline")
		}
		return &runconfig.Authz{Policies: a.Inline.Policies, EntitiesJSON: a.Inline.EntitiesJSON}, nil
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
func parseAuthzDocument(data []byte) (*runconfig.Authz, error) {
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
		return nil, fmt.Errorf("the ConfigMap's policies are not valid JSON: %v", err)
	}
	c := doc.cedar
	if doc.Cedar != nil {
		c = *doc.Cedar
	}
	if len(c.Policies) == 0 {
		return nil, fmt.Errorf(`the ConfigMap holds no Cedar policies; write {"policies": ["permit(principal, action, resource);"]}`)
	}
	return &runconfig.Authz{Policies: c.Policies, EntitiesJSON: orDefault(c.EntitiesJSON, c.EntitiesJSONv2)}, nil
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
