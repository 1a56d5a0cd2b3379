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

var mcpServerGK = schema.GroupKind{Group: v1alpha1.GroupVersion.Group, Kind: "MCPServer"}

// validate normalises the spec, reports legacy forms, the stdio replica cap and an
// unmergeable podTemplateSpec.
func (r *MCPServerReconciler) validate(_ context.Context, s *mcpServerScope) (ctrl.Result, error) {
	if err := checkStoredSpec(s.server, &s.server.Status.Conditions); err != nil {
		return ctrl.Result{}, err
	}
	spec, warnings := s.server.Normalize()
	s.spec = spec
	if setDeprecatedCondition(&s.server.Status.Conditions, warnings, s.server.Generation) && len(warnings) > 0 {
		r.Recorder.Event(s.server, corev1.EventTypeWarning, "Deprecated", joinSentences(warnings))
	}
	reportUnsupported(r.Recorder, s.server, &s.server.Status.Conditions, spec.UnsupportedFields())
	setPermissionProfileCondition(&s.server.Status.Conditions, spec.PermissionProfile, s.server.Generation)
	asked, _, capped := backendReplicas(spec)
	setStdioReplicaCappedCondition(&s.server.Status.Conditions, asked, capped, s.server.Generation)
	return ctrl.Result{}, nil
}

// resolveGroup checks the referenced MCPGroup exists. A missing group does not stop the
// workload: membership is a grouping, not a dependency.
func (r *MCPServerReconciler) resolveGroup(ctx context.Context, s *mcpServerScope) (ctrl.Result, error) {
	found, err := groupExists(ctx, r.Client, s.server.Namespace, s.server.GroupName())
	if err != nil {
		return ctrl.Result{}, err
	}
	setGroupRefCondition(&s.server.Status.Conditions, s.spec.GroupRef, found, s.server.Generation)
	return ctrl.Result{}, nil
}

// resolveRefs loads the referenced MCPToolConfig and MCPExternalAuthConfig; a missing one
// stops the reconcile (the workload would otherwise run without its filter or auth).
func (r *MCPServerReconciler) resolveRefs(ctx context.Context, s *mcpServerScope) (ctrl.Result, error) {
	st := &s.server.Status
	tc, err := getToolConfig(ctx, r.Client, s.server.Namespace, refName(s.spec.ToolConfigRef))
	if err != nil {
		return ctrl.Result{}, err
	}
	s.toolConfig = tc
	st.ToolConfigHash = toolConfigHash(tc)
	ea, err := getExternalAuth(ctx, r.Client, s.server.Namespace, refName(s.spec.ExternalAuthConfigRef))
	if err != nil {
		return ctrl.Result{}, err
	}
	s.extAuth = ea
	st.ExternalAuthConfigHash = externalAuthHash(ea)
	okTC := setRefCondition(&st.Conditions, refCheck{conditionType: condToolConfigValidated, kind: "MCPToolConfig", field: "spec.toolConfigRef", name: refName(s.spec.ToolConfigRef), found: tc != nil}, s.server.Generation)
	okEA := setRefCondition(&st.Conditions, refCheck{conditionType: v1alpha1.ConditionExternalAuthConfigValidated, kind: "MCPExternalAuthConfig", field: "spec.externalAuthConfigRef", name: refName(s.spec.ExternalAuthConfigRef), found: ea != nil}, s.server.Generation)
	tel, okTel, err := resolveTelemetry(ctx, r.Client, s.server, s.spec.TelemetryConfigRef, &st.Conditions)
	if err != nil {
		return ctrl.Result{}, err
	}
	s.telemetry, st.TelemetryConfigHash = tel, tel.hash
	hooks, okHooks, err := resolveWebhooks(ctx, r.Client, s.server, s.spec.WebhookConfigRef, &st.Conditions)
	if err != nil {
		return ctrl.Result{}, err
	}
	s.webhooks = hooks
	if !okTC || !okEA || !okTel || !okHooks {
		return ctrl.Result{}, reconcile.TerminalError(fmt.Errorf("a referenced config is missing"))
	}
	var res ctrl.Result
	s.auth, res, err = checkIncomingAuth(ctx, r.APIReader, r.Options, s.server.Namespace, s.spec.OIDCConfig, s.spec.AuthzConfig, authRefs{s.spec.OIDCConfigRef, s.spec.AuthzConfigRef}, &st.Conditions, s.server.Generation)
	st.OIDCConfigHash, st.AuthzConfigHash = s.auth.oidcHash, s.auth.authzHash
	return res, err
}

// renderChildren computes the chart values, renders the chart and merges the user's
// podTemplateSpec into the MCP StatefulSet.
func (r *MCPServerReconciler) renderChildren(_ context.Context, s *mcpServerScope) (ctrl.Result, error) {
	values, err := buildMCPServerValues(s.server, s.spec, s.toolConfig, s.extAuth, s.auth, r.Options)
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := addProxyTelemetry(&values.RunConfig, &values.ProxyEnv, &values.ProxyConfigHash, s.telemetry); err != nil {
		return ctrl.Result{}, err
	}
	if err := addProxyWebhooks(&values.RunConfig, &values.ProxyEnv, &values.ProxyConfigHash, s.webhooks); err != nil {
		return ctrl.Result{}, err
	}
	objs, mergeErr, err := r.Options.renderWorkload(mcpServerGK, s.server, values, "StatefulSet", s.spec.PodTemplateSpec)
	if err != nil {
		return ctrl.Result{}, err
	}
	setPodTemplateCondition(&s.server.Status.Conditions, mergeErr, s.server.Generation)
	if mergeErr != nil {
		return ctrl.Result{}, reconcile.TerminalError(mergeErr)
	}
	s.objects = objs
	return ctrl.Result{}, nil
}

// applyChildren server-side applies the rendered children and prunes stale ones.
func (r *MCPServerReconciler) applyChildren(ctx context.Context, s *mcpServerScope) (ctrl.Result, error) {
	_, err := r.Options.Applier.Apply(ctx, s.server, s.objects, mcpServerPruneKinds)
	setApplyCondition(&s.server.Status.Conditions, err, s.server.Generation)
	return ctrl.Result{}, err
}

// observeWorkloads reads the proxy Deployment and MCP StatefulSet from the cache into status.
func (r *MCPServerReconciler) observeWorkloads(ctx context.Context, s *mcpServerScope) (ctrl.Result, error) {
	key := types.NamespacedName{Namespace: s.server.Namespace, Name: s.server.Name}
	deploy, sts := &appsv1.Deployment{}, &appsv1.StatefulSet{}
	if err := r.Get(ctx, key, deploy); err != nil {
		if !apierrors.IsNotFound(err) {
			return ctrl.Result{}, err
		}
		deploy = nil
	}
	if err := r.Get(ctx, key, sts); err != nil {
		if !apierrors.IsNotFound(err) {
			return ctrl.Result{}, err
		}
		sts = nil
	}
	st := &s.server.Status
	st.URL = fmt.Sprintf("http://mcp-%s-proxy.%s.svc.cluster.local:%d", s.server.Name, s.server.Namespace, proxyPort(s.spec))
	st.ReadyReplicas = 0
	if deploy != nil {
		st.ReadyReplicas = deploy.Status.ReadyReplicas
	}
	var startProblem string
	if sts != nil && sts.Status.ReadyReplicas < 1 {
		// Pods are not watched (nor cached): read the server pod once to say why it is not
		// starting, and look again after a while; no pod event would wake us up.
		pod := &corev1.Pod{}
		if err := r.APIReader.Get(ctx, types.NamespacedName{Namespace: s.server.Namespace, Name: s.server.Name + "-0"}, pod); err == nil {
			startProblem = podStartProblem(pod)
		}
		setMCPServerReadyCondition(&st.Conditions, deploy, sts, startProblem, s.server.Generation)
		return ctrl.Result{RequeueAfter: podStartRecheckInterval}, nil
	}
	setMCPServerReadyCondition(&st.Conditions, deploy, sts, startProblem, s.server.Generation)
	return ctrl.Result{}, nil
}

// proxyPort returns the normalised spec's proxy port.
func proxyPort(spec v1alpha1.MCPServerSpec) int32 {
	if spec.ProxyPort != nil {
		return *spec.ProxyPort
	}
	return v1alpha1.DefaultProxyPort
}

// mcpPort returns the MCP container port (8080 when unset).
func mcpPort(spec v1alpha1.MCPServerSpec) int32 {
	if spec.MCPPort != nil && *spec.MCPPort > 0 {
		return *spec.MCPPort
	}
	return 8080
}

// backendReplicas returns the asked and effective StatefulSet replicas and whether a stdio
// server was capped at one (stdin cannot be shared).
func backendReplicas(spec v1alpha1.MCPServerSpec) (asked, effective int32, capped bool) {
	asked = 1
	if spec.BackendReplicas != nil {
		asked = *spec.BackendReplicas
	}
	transport := spec.Transport
	if transport == "" {
		transport = v1alpha1.TransportStdio
	}
	if transport == v1alpha1.TransportStdio && asked > 1 {
		return asked, 1, true
	}
	return asked, asked, false
}

// buildMCPServerValues turns the normalised spec and what was resolved into chart values.
// It is pure: everything it needs is passed in.
func buildMCPServerValues(server *v1alpha1.MCPServer, spec v1alpha1.MCPServerSpec, tc *v1alpha1.MCPToolConfig, ea *v1alpha1.MCPExternalAuthConfig, auth resolvedAuth, opts *Options) (helmcharts.MCPServerValues, error) {
	name, ns := server.Name, server.Namespace
	transport := spec.Transport
	if transport == "" {
		transport = v1alpha1.TransportStdio
	}
	proxyMode := spec.ProxyMode
	if proxyMode == "" {
		proxyMode = v1alpha1.ProxyModeStreamableHTTP
	}
	rc := runconfig.Config{
		Name: name, Namespace: ns, Transport: string(transport), ProxyMode: string(proxyMode),
		Host: "0.0.0.0", ProxyPort: proxyPort(spec),
		OIDC: auth.oidc, Authz: auth.authz,
		Audit: spec.Audit != nil && spec.Audit.Enabled,
		// X-Forwarded headers shape the OAuth URLs only behind a trusted ingress.
		TrustProxyHeaders: spec.TrustProxyHeaders != nil && *spec.TrustProxyHeaders,
		// The proxy writes status.tools (the MCP Optimizer reads it).
		ReportTools: true,
	}
	if spec.MaxRequestBodySize != nil {
		rc.MaxRequestBodySize = *spec.MaxRequestBodySize
	}
	if transport != v1alpha1.TransportStdio {
		rc.ProxyReadTimeout = spec.ProxyReadTimeout
	}
	if transport == v1alpha1.TransportStdio {
		rc.Stdio = &runconfig.Stdio{Pod: name + "-0", Container: "mcp"}
		rc.EndpointPrefix = spec.EndpointPrefix
	} else {
		path := "/mcp"
		if transport == v1alpha1.TransportSSE {
			path = "/sse"
		}
		rc.Target = fmt.Sprintf("http://mcp-%s-headless.%s.svc.cluster.local:%d%s", name, ns, mcpPort(spec), path)
	}
	applyToolConfig(&rc, tc)
	proxyEnv := append([]corev1.EnvVar{}, opts.OperandEnv...)
	proxyEnv = append(proxyEnv, applyExternalAuth(&rc, ea)...)
	rcYAML, err := yaml.Marshal(rc)
	if err != nil {
		return helmcharts.MCPServerValues{}, err
	}
	_, replicas, _ := backendReplicas(spec)
	proxyReplicas := int32(1)
	if spec.Replicas != nil {
		proxyReplicas = *spec.Replicas
	}
	sa, createSA := spec.ServiceAccount, false
	if sa == "" {
		sa, createSA = name+"-sa", true
	}
	affinity := string(spec.SessionAffinity)
	if affinity == "" {
		affinity = string(v1alpha1.SessionAffinityClientIP)
	}
	restart := server.Annotations[RestartedAtAnnotation]
	v := helmcharts.MCPServerValues{
		ProxyImage: opts.ProxyRunnerImage, Image: spec.Image, Transport: string(transport),
		ProxyPort: proxyPort(spec), MCPPort: mcpPort(spec), Args: spec.Args,
		Env:           mcpEnv(spec, opts.OperandEnv),
		ProxyReplicas: proxyReplicas, BackendReplicas: replicas,
		ServiceAccount: sa, CreateServiceAccount: createSA, SessionAffinity: affinity,
		DenyEgress: spec.PermissionProfile != nil && spec.PermissionProfile.Type == v1alpha1.PermissionProfileBuiltin &&
			spec.PermissionProfile.Name == v1alpha1.PermissionProfileNone,
		RunConfig: string(rcYAML), ProxyEnv: proxyEnv, ReportTools: rc.ReportTools,
		ProxyConfigHash:   render.Hash([]string{string(rcYAML), restart, toolConfigHash(tc), externalAuthHash(ea)}),
		BackendConfigHash: render.Hash([]string{restart}),
	}
	if spec.Resources != nil {
		v.Resources = *spec.Resources
	}
	var overrideEnv []corev1.EnvVar
	v.Overrides, overrideEnv = proxyOverrides(spec.ResourceOverrides)
	v.ProxyEnv = append(v.ProxyEnv, overrideEnv...)
	return v, nil
}

// mcpEnv is the MCP container's env: plain values, then secrets by reference, then the
// operator's proxy settings.
func mcpEnv(spec v1alpha1.MCPServerSpec, operand []corev1.EnvVar) []corev1.EnvVar {
	var env []corev1.EnvVar
	for _, e := range spec.Env {
		env = append(env, corev1.EnvVar{Name: e.Name, Value: e.Value})
	}
	for _, sec := range spec.Secrets {
		env = append(env, corev1.EnvVar{Name: sec.EnvName(), ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: sec.Name}, Key: sec.Key},
		}})
	}
	return append(env, operand...)
}
