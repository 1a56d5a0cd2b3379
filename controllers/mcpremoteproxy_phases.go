package controllers

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

var remoteProxyGK = schema.GroupKind{Group: v1alpha1.GroupVersion.Group, Kind: "MCPRemoteProxy"}

// validate normalises the spec, reports legacy forms and refuses an unsafe remoteUrl.
func (r *MCPRemoteProxyReconciler) validate(ctx context.Context, s *remoteProxyScope) (ctrl.Result, error) {
	if err := checkStoredSpec(s.proxy, &s.proxy.Status.Conditions); err != nil {
		return ctrl.Result{}, err
	}
	spec, warnings := s.proxy.Normalize()
	s.spec = spec
	gen := s.proxy.Generation
	if setDeprecatedCondition(&s.proxy.Status.Conditions, warnings, gen) && len(warnings) > 0 {
		r.Recorder.Event(s.proxy, corev1.EventTypeWarning, "Deprecated", joinSentences(warnings))
	}
	reportUnsupported(r.Recorder, s.proxy, &s.proxy.Status.Conditions, spec.UnsupportedFields())
	found, err := groupExists(ctx, r.Client, s.proxy.Namespace, s.proxy.GroupName())
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("check MCPGroup %q: %w", s.proxy.GroupName(), err)
	}
	setGroupRefCondition(&s.proxy.Status.Conditions, spec.GroupRef, found, gen)
	urlErr := r.Options.checkURL(ctx, spec.RemoteURL, spec.AllowPrivateEndpoint)
	setRemoteURLCondition(&s.proxy.Status.Conditions, spec.RemoteURL, urlErr, gen)
	if urlErr != nil {
		r.Recorder.Event(s.proxy, corev1.EventTypeWarning, "RemoteURLRefused", urlErr.Error())
		return ctrl.Result{}, reconcile.TerminalError(urlErr)
	}
	return ctrl.Result{}, nil
}

// resolveRefs loads the referenced configs and incoming auth (resolveProxyRefs) and
// sets AuthConfigured from the external auth reference.
func (r *MCPRemoteProxyReconciler) resolveRefs(ctx context.Context, s *remoteProxyScope) (ctrl.Result, error) {
	conds, gen := &s.proxy.Status.Conditions, s.proxy.Generation
	ea := refName(s.spec.ExternalAuthConfigRef)
	refs, res, err := resolveProxyRefs(ctx, r.Client, r.APIReader, r.Options, s.proxy.Namespace, proxyRefsInput{
		toolConfig: refName(s.spec.ToolConfigRef), externalAuth: ea,
		incoming: proxyIncomingAuth(&s.spec.ProxySpec),
	}, conds, gen)
	s.toolConfig, s.extAuth, s.auth = refs.toolConfig, refs.extAuth, refs.auth
	if refs.loaded {
		setAuthConfiguredCondition(conds, ea == "" || refs.extAuth != nil, gen)
	}
	if refs.authChecked {
		s.proxy.Status.OIDCConfigHash, s.proxy.Status.AuthzConfigHash = s.auth.oidcHash, s.auth.authzHash
	}
	if err != nil {
		return res, err
	}
	tel, okTel, err := resolveTelemetry(ctx, r.Client, s.proxy, s.spec.TelemetryConfigRef, conds)
	if err != nil {
		return ctrl.Result{}, err
	}
	s.telemetry, s.proxy.Status.TelemetryConfigHash = tel, tel.hash
	if !okTel {
		return ctrl.Result{}, reconcile.TerminalError(fmt.Errorf("a referenced config is missing"))
	}
	return res, err
}

// renderChildren computes the values and renders the chart, merging podTemplateSpec.
func (r *MCPRemoteProxyReconciler) renderChildren(_ context.Context, s *remoteProxyScope) (ctrl.Result, error) {
	values, err := buildRemoteProxyValues(s.proxy, s.spec, s.toolConfig, s.extAuth, s.auth, r.Options)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("compute chart values: %w", err)
	}
	if values.OTLPCA, err = addProxyTelemetry(&values.RunConfig, &values.ProxyEnv, &values.ConfigHash, s.telemetry); err != nil {
		return ctrl.Result{}, err
	}
	s.objects, err = r.Options.renderPodWorkload(remoteProxyGK, s.proxy, &s.proxy.Status.Conditions, values, "Deployment", s.spec.PodTemplateSpec)
	return ctrl.Result{}, err
}

// applyChildren applies the rendered children and prunes stale ones.
func (r *MCPRemoteProxyReconciler) applyChildren(ctx context.Context, s *remoteProxyScope) (ctrl.Result, error) {
	_, err := r.Options.applyChildren(ctx, s.proxy, &s.proxy.Status.Conditions, s.objects, remoteProxyPruneKinds)
	return ctrl.Result{}, err
}

// observeWorkload reads the proxy Deployment into status.
func (r *MCPRemoteProxyReconciler) observeWorkload(ctx context.Context, s *remoteProxyScope) (ctrl.Result, error) {
	deploy := &appsv1.Deployment{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: s.proxy.Namespace, Name: s.proxy.Name}, deploy); err != nil {
		if !apierrors.IsNotFound(err) {
			return ctrl.Result{}, fmt.Errorf("read proxy Deployment %s: %w", s.proxy.Name, err)
		}
		deploy = nil
	}
	s.proxy.Status.URL = fmt.Sprintf("http://mcp-%s-remote-proxy.%s.svc.cluster.local:%d", s.proxy.Name, s.proxy.Namespace, s.proxy.ProxyPortOrDefault())
	setRemoteProxyReadyCondition(&s.proxy.Status.Conditions, deploy, s.proxy.Generation)
	return ctrl.Result{}, nil
}

// buildRemoteProxyValues turns the normalised spec into chart values (pure).
func buildRemoteProxyValues(p *v1alpha1.MCPRemoteProxy, spec v1alpha1.MCPRemoteProxySpec, tc *v1alpha1.MCPToolConfig, ea *v1alpha1.MCPExternalAuthConfig, auth resolvedAuth, opts *Options) (helmcharts.MCPRemoteProxyValues, error) {
	transport := spec.Transport
	if transport == "" {
		transport = v1alpha1.RemoteTransportStreamableHTTP
	}
	hf, headerEnv := headerForward(spec.HeaderForward)
	rc := runconfig.Config{
		Name: p.Name, Namespace: p.Namespace, Transport: string(transport), Host: "0.0.0.0",
		ProxyPort: p.ProxyPortOrDefault(), Target: spec.RemoteURL, HeaderForward: hf,
		OIDC: auth.oidc, Authz: auth.authz,
		Audit: spec.AuditEnabled(), TrustProxyHeaders: spec.TrustsProxyHeaders(),
	}
	applyToolConfig(&rc, tc)
	env := append(append([]corev1.EnvVar{}, opts.OperandEnv...), headerEnv...)
	env = append(env, applyExternalAuth(&rc, ea)...)
	env = append(env, auth.env...)
	rcYAML, err := yaml.Marshal(rc)
	if err != nil {
		return helmcharts.MCPRemoteProxyValues{}, err
	}
	replicas := spec.ProxyReplicas()
	sa, create := spec.ServiceAccount, false
	if sa == "" {
		sa, create = p.Name+"-remote-proxy-runner", true
	}
	v := helmcharts.MCPRemoteProxyValues{
		ProxyImage: opts.ProxyRunnerImage, ProxyPort: p.ProxyPortOrDefault(), Replicas: replicas,
		ServiceAccount: sa, CreateServiceAccount: create, RunConfig: string(rcYAML), ProxyEnv: env,
		ConfigHash: render.Hash([]string{string(rcYAML), toolConfigHash(tc), externalAuthHash(ea)}),
	}
	if spec.Resources != nil {
		v.Resources = *spec.Resources
	}
	var overrideEnv []corev1.EnvVar
	v.Overrides, overrideEnv = proxyOverrides(spec.ResourceOverrides)
	v.ProxyEnv = append(v.ProxyEnv, overrideEnv...)
	v.SessionAffinity = spec.SessionAffinity
	return v, nil
}
