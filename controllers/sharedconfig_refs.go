package controllers

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
)

// References from workloads to the shared configuration kinds MCPOIDCConfig
// (oidcConfigRef) and MCPAuthzConfig (authzConfigRef), resolved into the proxy runner's
// incoming auth. A change to a referenced object re-reconciles its users (watches over
// the field indexes below) and changes the rendered runconfig, so their pods roll.

// Field indexes of the shared-config references.
const (
	// IndexOIDCConfigRef indexes MCPServer, MCPRemoteProxy and VirtualMCPServer by the
	// MCPOIDCConfig their oidcConfigRef names.
	IndexOIDCConfigRef = "spec.oidcConfigRef.name"
	// IndexAuthzConfigRef indexes them by the MCPAuthzConfig their authzConfigRef names.
	IndexAuthzConfigRef = "spec.authzConfigRef.name"
)

// authRefs are a workload's references to shared auth configuration.
type authRefs struct {
	oidc  *v1alpha1.OIDCConfigRef
	authz *v1alpha1.LocalObjectReference
}

// oidcConfigName is the MCPOIDCConfig an oidcConfigRef names ("" for none or the legacy
// ConfigMap form).
func oidcConfigName(r *v1alpha1.OIDCConfigRef) string {
	if r == nil || r.LegacyConfigMap() != nil {
		return ""
	}
	return r.Name
}

// sharedConfigIndexes are the field indexes of oidcConfigRef and authzConfigRef.
func sharedConfigIndexes() []index {
	refsOf := func(o client.Object) authRefs {
		switch w := o.(type) {
		case *v1alpha1.MCPServer:
			return authRefs{w.Spec.OIDCConfigRef, w.Spec.AuthzConfigRef}
		case *v1alpha1.MCPRemoteProxy:
			return authRefs{w.Spec.OIDCConfigRef, w.Spec.AuthzConfigRef}
		case *v1alpha1.VirtualMCPServer:
			if a := w.Spec.IncomingAuth; a != nil {
				return authRefs{a.OIDCConfigRef, a.AuthzConfigRef}
			}
		}
		return authRefs{}
	}
	var out []index
	for _, obj := range []client.Object{&v1alpha1.MCPServer{}, &v1alpha1.MCPRemoteProxy{}, &v1alpha1.VirtualMCPServer{}} {
		out = append(out,
			index{obj, IndexOIDCConfigRef, func(o client.Object) []string { return values(oidcConfigName(refsOf(o).oidc)) }},
			index{obj, IndexAuthzConfigRef, func(o client.Object) []string { return values(refName(refsOf(o).authz)) }})
	}
	return out
}

// resolveSharedAuth reads the MCPOIDCConfig and MCPAuthzConfig that refs name; field
// prefixes the paths problems name ("spec." or "spec.incomingAuth.").
func resolveSharedAuth(ctx context.Context, r client.Reader, ns, field string, refs authRefs) (resolvedAuth, error) {
	var out resolvedAuth
	if name := oidcConfigName(refs.oidc); name != "" {
		oc := &v1alpha1.MCPOIDCConfig{}
		found, err := getOptional(ctx, r, ns, name, oc)
		if err != nil {
			return out, fmt.Errorf("resolve oidcConfigRef %q: %w", name, err)
		}
		if !found {
			out.missing = true
			out.problems = append(out.problems, fmt.Sprintf("%soidcConfigRef: MCPOIDCConfig %q not found in this namespace; create it or fix the reference", field, name))
		} else if o, perr := oidcFromShared(oc.Spec, refs.oidc); perr != nil {
			out.problems = append(out.problems, fmt.Sprintf("%soidcConfigRef: MCPOIDCConfig %q: %v", field, name, perr))
		} else {
			out.oidc, out.oidcHash = o, render.Hash(oc.Spec)
		}
	}
	if name := refName(refs.authz); name != "" {
		ac := &v1alpha1.MCPAuthzConfig{}
		found, err := getOptional(ctx, r, ns, name, ac)
		if err != nil {
			return out, fmt.Errorf("resolve authzConfigRef %q: %w", name, err)
		}
		if !found {
			out.missing = true
			out.problems = append(out.problems, fmt.Sprintf("%sauthzConfigRef: MCPAuthzConfig %q not found in this namespace; create it or fix the reference", field, name))
		} else if a, perr := authzFromShared(ac.Spec); perr != nil {
			out.problems = append(out.problems, fmt.Sprintf("%sauthzConfigRef: MCPAuthzConfig %q: %v", field, name, perr))
		} else {
			out.authz, out.authzHash = a, render.Hash(ac.Spec)
		}
	}
	return out, nil
}

// getOptional gets ns/name into obj; found is false when it does not exist.
func getOptional(ctx context.Context, r client.Reader, ns, name string, obj client.Object) (bool, error) {
	if err := r.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// oidcFromShared combines an MCPOIDCConfig's shared settings with the reference's
// per-workload audience, resource URL and scopes.
func oidcFromShared(spec v1alpha1.MCPOIDCConfigSpec, ref *v1alpha1.OIDCConfigRef) (*authconfig.OIDC, error) {
	switch spec.Type {
	case "inline":
		in := spec.Inline
		if in == nil || in.Issuer == "" {
			return nil, fmt.Errorf("type inline needs inline.issuer")
		}
		return &authconfig.OIDC{Issuer: in.Issuer, JWKSURL: in.JWKSURL, ClientID: in.ClientID,
			Audience: ref.Audience, Resource: ref.ResourceURL, Scopes: ref.Scopes}, nil
	case "kubernetesServiceAccount":
		var issuer, jwks string
		var sa authconfig.KubernetesTokens
		if k := spec.KubernetesServiceAccount; k != nil {
			issuer, jwks = k.Issuer, k.JWKSURL
			sa = authconfig.KubernetesTokens{ServiceAccount: k.ServiceAccount, Namespace: k.Namespace}
		}
		o := kubernetesOIDC(issuer, jwks, ref.Audience, ref.ResourceURL, sa)
		o.Scopes = ref.Scopes
		return o, nil
	default:
		return nil, fmt.Errorf("unknown type %q; use inline or kubernetesServiceAccount", spec.Type)
	}
}

// authzFromShared reads the Cedar policies of an MCPAuthzConfig: type cedarv1 (or cedar)
// with config {policies: [...], entitiesJson: "..."}.
func authzFromShared(spec v1alpha1.MCPAuthzConfigSpec) (*authconfig.Authz, error) {
	switch spec.Type {
	case "cedarv1", "cedar":
	default:
		return nil, fmt.Errorf("unknown type %q; this operator evaluates Cedar policies (type cedarv1)", spec.Type)
	}
	if spec.Config == nil || len(spec.Config.Raw) == 0 {
		return nil, fmt.Errorf("config is empty; put the Cedar policies in config.policies")
	}
	a, err := parseAuthzDocument(spec.Config.Raw)
	if err != nil {
		return nil, err
	}
	if len(a.Policies) == 0 {
		return nil, fmt.Errorf("config.policies is empty; with no policy every request would be denied")
	}
	return a, nil
}

// proxyOverrides converts spec.resourceOverrides into chart values. Labels in the
// operator's app.kubernetes.io/ namespace are dropped: selectors and the user contract
// depend on them.
func proxyOverrides(ro *v1alpha1.ProxyResourceOverrides) (helmcharts.ProxyOverrides, []corev1.EnvVar) {
	var out helmcharts.ProxyOverrides
	if ro == nil {
		return out, nil
	}
	var env []corev1.EnvVar
	if d := ro.ProxyDeployment; d != nil {
		out.DeploymentLabels, out.DeploymentAnnotations = userLabels(d.Labels), d.Annotations
		out.NodeSelector, out.Tolerations, out.Affinity = d.NodeSelector, d.Tolerations, d.Affinity
		if m := d.PodTemplateMetadataOverrides; m != nil {
			out.PodLabels, out.PodAnnotations = userLabels(m.Labels), m.Annotations
		}
		for _, s := range d.ImagePullSecrets {
			out.ImagePullSecrets = append(out.ImagePullSecrets, corev1.LocalObjectReference{Name: s.Name})
		}
		for _, e := range d.Env {
			env = append(env, corev1.EnvVar{Name: e.Name, Value: e.Value})
		}
	}
	if s := ro.ProxyService; s != nil {
		out.ServiceLabels, out.ServiceAnnotations = userLabels(s.Labels), s.Annotations
	}
	return out, env
}

// userLabels drops the keys the operator owns.
func userLabels(in map[string]string) map[string]string {
	var out map[string]string
	for k, v := range in {
		if strings.HasPrefix(k, "app.kubernetes.io/") {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}
