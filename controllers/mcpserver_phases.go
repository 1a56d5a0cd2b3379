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
		return ctrl.Result{}, fmt.Errorf("check MCPGroup %q: %w", s.server.GroupName(), err)
	}
	setGroupRefCondition(&s.server.Status.Conditions, s.spec.GroupRef, found, s.server.Generation)
	return ctrl.Result{}, nil
}

// resolveRefs loads the referenced configs and incoming auth (resolveProxyRefs).
func (r *MCPServerReconciler) resolveRefs(ctx context.Context, s *mcpServerScope) (ctrl.Result, error) {
	st := &s.server.Status
	refs, res, err := resolveProxyRefs(ctx, r.Client, r.APIReader, r.Options, s.server.Namespace, proxyRefsInput{
		toolConfig: refName(s.spec.ToolConfigRef), externalAuth: refName(s.spec.ExternalAuthConfigRef),
		incoming: proxyIncomingAuth(&s.spec.ProxySpec),
	}, &st.Conditions, s.server.Generation)
	s.toolConfig, s.extAuth, s.auth = refs.toolConfig, refs.extAuth, refs.auth
	if refs.loaded {
		st.ToolConfigHash, st.ExternalAuthConfigHash = toolConfigHash(refs.toolConfig), externalAuthHash(refs.extAuth)
	}
	if refs.authChecked {
		st.OIDCConfigHash, st.AuthzConfigHash = s.auth.oidcHash, s.auth.authzHash
	}
	if err != nil {
		return res, err
	}
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
	if !okTel || !okHooks {
		return ctrl.Result{}, reconcile.TerminalError(fmt.Errorf("a referenced config is missing"))
	}
	return res, err
}

// renderChildren computes the chart values, renders the chart and merges the user's
// podTemplateSpec into the MCP StatefulSet.
func (r *MCPServerReconciler) renderChildren(_ context.Context, s *mcpServerScope) (ctrl.Result, error) {
	values, err := buildMCPServerValues(s.server, s.spec, s.toolConfig, s.extAuth, s.auth, r.Options)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("compute chart values: %w", err)
	}
	if values.OTLPCA, err = addProxyTelemetry(&values.RunConfig, &values.ProxyEnv, &values.ProxyConfigHash, s.telemetry); err != nil {
		return ctrl.Result{}, err
	}
	if err := addProxyWebhooks(&values.RunConfig, &values.ProxyEnv, &values.ProxyConfigHash, s.webhooks); err != nil {
		return ctrl.Result{}, err
	}
	s.objects, err = r.Options.renderPodWorkload(mcpServerGK, s.server, &s.server.Status.Conditions, values, "StatefulSet", s.spec.PodTemplateSpec)
	return ctrl.Result{}, err
}

// applyChildren server-side applies the rendered children and prunes stale ones.
func (r *MCPServerReconciler) applyChildren(ctx context.Context, s *mcpServerScope) (ctrl.Result, error) {
	var err error
	s.applied, err = r.Options.applyChildren(ctx, s.server, &s.server.Status.Conditions, s.objects, mcpServerPruneKinds)
	return ctrl.Result{}, err
}

// observeWorkloads reads the proxy Deployment and MCP StatefulSet, as the API server
// returned them to the apply, into status. (The cache may not have seen the reconcile's
// own writes yet; their creation does not wake the reconcile again.)
func (r *MCPServerReconciler) observeWorkloads(ctx context.Context, s *mcpServerScope) (ctrl.Result, error) {
	deploy, sts := &appsv1.Deployment{}, &appsv1.StatefulSet{}
	if err := liveAs(s.applied, "Deployment", s.server.Name, &deploy); err != nil {
		return ctrl.Result{}, err
	}
	if err := liveAs(s.applied, "StatefulSet", s.server.Name, &sts); err != nil {
		return ctrl.Result{}, err
	}
	st := &s.server.Status
	st.URL = fmt.Sprintf("http://mcp-%s-proxy.%s.svc.cluster.local:%d", s.server.Name, s.server.Namespace, proxyPort(s.spec))
	st.ReadyReplicas = 0
	if deploy != nil {
		st.ReadyReplicas = deploy.Status.ReadyReplicas
	}
	var startProblem string
	if sts != nil && sts.Status.ReadyReplicas < 1 {
		// The server pod is watched (its status only): say why it is not starting.
		pod := &corev1.Pod{}
		if err := r.Get(ctx, types.NamespacedName{Namespace: s.server.Namespace, Name: s.server.Name + "-0"}, pod); err == nil {
			startProblem = podStartProblem(pod)
		} else if !apierrors.IsNotFound(err) {
			return ctrl.Result{}, fmt.Errorf("read MCP server pod %s-0: %w", s.server.Name, err)
		}
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
		Audit: spec.AuditEnabled(), TrustProxyHeaders: spec.TrustsProxyHeaders(),
		// The proxy writes status.tools (the MCP Optimizer reads it).
		ReportTools:  true,
		RateLimiting: spec.RateLimiting,
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
	proxyEnv = append(proxyEnv, auth.env...)
	rcYAML, err := yaml.Marshal(rc)
	if err != nil {
		return helmcharts.MCPServerValues{}, err
	}
	_, replicas, _ := backendReplicas(spec)
	proxyReplicas := spec.ProxyReplicas()
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
		ServiceAccount: sa, CreateServiceAccount: createSA, SessionAffinity: affinity, ServiceType: string(spec.ServiceType),
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
	for _, vol := range spec.Volumes {
		v.Volumes = append(v.Volumes, helmcharts.HostVolume{Name: vol.Name, HostPath: vol.HostPath,
			MountPath: vol.MountPath, ReadOnly: vol.ReadOnly != nil && *vol.ReadOnly})
	}
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
