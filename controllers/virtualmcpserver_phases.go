package controllers

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

var virtualMCPServerGK = schema.GroupKind{Group: v1alpha1.GroupVersion.Group, Kind: "VirtualMCPServer"}

// vmcpPruneKinds are the kinds the virtualmcpserver chart may render.
var vmcpPruneKinds = gvks(&appsv1.Deployment{}, &corev1.Service{}, &corev1.ServiceAccount{},
	&corev1.ConfigMap{}, &rbacv1.Role{}, &rbacv1.RoleBinding{})

// vmcpURL is the in-cluster URL of a VirtualMCPServer's Service.
func vmcpURL(v *v1alpha1.VirtualMCPServer) string {
	return fmt.Sprintf("http://vmcp-%s.%s.svc.cluster.local:%d", v.Name, v.Namespace, v1alpha1.VMCPPort)
}

// validate normalises the spec and reports legacy forms and an invalid groupRef.
func (r *VirtualMCPServerReconciler) validate(_ context.Context, s *vmcpScope) (ctrl.Result, error) {
	if err := checkStoredSpec(s.vmcp, &s.vmcp.Status.Conditions); err != nil {
		return ctrl.Result{}, err
	}
	spec, warnings := s.vmcp.Normalize()
	s.spec = spec
	if setDeprecatedCondition(&s.vmcp.Status.Conditions, warnings, s.vmcp.Generation) && len(warnings) > 0 {
		r.Recorder.Event(s.vmcp, corev1.EventTypeWarning, "Deprecated", joinSentences(warnings))
	}
	reportUnsupported(r.Recorder, s.vmcp, &s.vmcp.Status.Conditions, spec.UnsupportedFields())
	if spec.GroupRef == nil && (spec.Config == nil || len(spec.Config.Backends) == 0) {
		setProblemsCondition(&s.vmcp.Status.Conditions, v1alpha1.ConditionValid,
			[]string{"set spec.groupRef: {name: <MCPGroup>} (or list static backends in spec.config.backends)"}, "", s.vmcp.Generation)
		return ctrl.Result{}, errStopReported
	}
	return ctrl.Result{}, nil
}

// resolveGroup loads the MCPGroup; a missing or not-ready group leaves the
// VirtualMCPServer Pending (its watch brings it back when the group appears).
func (r *VirtualMCPServerReconciler) resolveGroup(ctx context.Context, s *vmcpScope) (ctrl.Result, error) {
	ref := s.spec.GroupRef
	if ref != nil && ref.Problem() == "" {
		g := &v1alpha1.MCPGroup{}
		err := r.Get(ctx, types.NamespacedName{Namespace: s.vmcp.Namespace, Name: ref.Name}, g)
		switch {
		case err == nil:
			s.group = g
		case !apierrors.IsNotFound(err):
			return ctrl.Result{}, fmt.Errorf("get MCPGroup %q: %w", ref.Name, err)
		}
	}
	if !setVMCPGroupCondition(&s.vmcp.Status.Conditions, ref, s.group, s.vmcp.Generation) {
		return ctrl.Result{}, errStopReported
	}
	return ctrl.Result{}, nil
}

// discover lists the group's members through the groupRef field index.
func (r *VirtualMCPServerReconciler) discover(ctx context.Context, s *vmcpScope) (ctrl.Result, error) {
	if !s.groupMode() {
		return ctrl.Result{}, nil
	}
	ns, opts := s.vmcp.Namespace, client.MatchingFields{IndexGroupRef: s.spec.GroupRef.Name}
	var g members.Group
	servers, proxies, entries := &v1alpha1.MCPServerList{}, &v1alpha1.MCPRemoteProxyList{}, &v1alpha1.MCPServerEntryList{}
	for _, l := range []client.ObjectList{servers, proxies, entries} {
		if err := r.List(ctx, l, client.InNamespace(ns), opts); err != nil {
			return ctrl.Result{}, fmt.Errorf("listing members of MCPGroup %s: %w", s.spec.GroupRef.Name, err)
		}
	}
	g.Servers, g.Proxies, g.Entries = servers.Items, proxies.Items, entries.Items
	s.members = members.List(g)
	return ctrl.Result{}, nil
}

// resolveConfig builds the vmcp configuration: outgoing and incoming auth
// (AuthConfigured), tool configs and composite tool definitions
// (CompositeToolRefsValidated), then validates the result (Valid). Any problem
// stops the reconcile before rendering: a broken config would crash vmcp. A missing
// incoming-auth reference is re-checked on a timer (user ConfigMaps are not watched).
func (r *VirtualMCPServerReconciler) resolveConfig(ctx context.Context, s *vmcpScope) (ctrl.Result, error) {
	in, err := r.gatherConfigInputs(ctx, s)
	if err != nil {
		return ctrl.Result{}, err
	}
	res := resolveVMCPConfig(s.vmcp.Name, s.spec, in)
	d := members.Discover(staticBackends(s.spec), s.members, res.auth)
	s.discovery = &d
	res.configProblems = append(r.Options.staticBackendProblems(ctx, s.spec), res.configProblems...)
	secretProblems, err := sessionStorageSecretProblems(ctx, r.APIReader, s.vmcp.Namespace, s.spec.SessionStorage)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("checking the session storage Secrets: %w", err)
	}
	res.configProblems = append(res.configProblems, secretProblems...)
	conds, gen := &s.vmcp.Status.Conditions, s.vmcp.Generation
	okAuth := setProblemsCondition(conds, v1alpha1.ConditionAuthConfigured, res.authProblems, "incoming and outgoing authentication resolved", gen)
	okRefs := setProblemsCondition(conds, v1alpha1.ConditionCompositeToolRefsValidated, res.compositeProblems, compositeOKMessage(s.spec), gen)
	okValid := setProblemsCondition(conds, v1alpha1.ConditionValid, res.configProblems, "the vmcp configuration is valid", gen)
	setBackendAuthCondition(conds, res.excluded, gen)
	setSemanticSearchCondition(conds, s.spec, in.embedding, gen)
	if !okAuth && in.incoming.missing {
		// A user ConfigMap is not watched: look again on a timer, as for MCPServer.
		ctrl.LoggerFrom(ctx).V(1).Info("Incoming auth references a missing object; checking again later", "problem", in.incoming.problem())
		return r.Options.recheckAfter(true), errWaitRecheck
	}
	if len(secretProblems) > 0 {
		// Secrets are not watched: look again on a timer.
		ctrl.LoggerFrom(ctx).V(1).Info("Session storage references a missing Secret; checking again later", "problems", secretProblems)
		return r.Options.recheckAfter(true), errWaitRecheck
	}
	if !okAuth || !okRefs || !okValid {
		ctrl.LoggerFrom(ctx).V(1).Info("Configuration does not resolve; not rendering", "auth", res.authProblems, "compositeTools", res.compositeProblems, "config", res.configProblems)
		return ctrl.Result{}, errStopReported
	}
	s.cfg, s.env, s.otlpCA = res.cfg, res.env, res.otlpCA
	return ctrl.Result{}, nil
}

func compositeOKMessage(spec v1alpha1.VirtualMCPServerSpec) string {
	if spec.Config == nil || len(spec.Config.CompositeToolRefs) == 0 {
		return "no compositeToolRefs to validate"
	}
	return fmt.Sprintf("%d composite tool definitions found and valid", len(spec.Config.CompositeToolRefs))
}

// gatherConfigInputs reads every object the configuration is resolved from.
func (r *VirtualMCPServerReconciler) gatherConfigInputs(ctx context.Context, s *vmcpScope) (vmcpConfigInputs, error) {
	ns := s.vmcp.Namespace
	in := vmcpConfigInputs{members: members.Usable(s.members), authConfigs: map[string]*v1alpha1.MCPExternalAuthConfig{},
		toolConfigs: map[string]*v1alpha1.MCPToolConfig{}, composites: map[string]*v1alpha1.VirtualMCPCompositeToolDefinition{}}
	eas := &v1alpha1.MCPExternalAuthConfigList{}
	if err := r.List(ctx, eas, client.InNamespace(ns)); err != nil {
		return in, fmt.Errorf("list MCPExternalAuthConfigs: %w", err)
	}
	for i := range eas.Items {
		in.authConfigs[eas.Items[i].Name] = &eas.Items[i]
	}
	for _, name := range toolConfigRefs(s.spec) {
		tc, err := getToolConfig(ctx, r.Client, ns, name)
		if err != nil {
			return in, err
		}
		if tc != nil {
			in.toolConfigs[name] = tc
		}
	}
	for _, name := range compositeToolRefs(s.spec) {
		d := &v1alpha1.VirtualMCPCompositeToolDefinition{}
		if err := r.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, d); err != nil {
			if !apierrors.IsNotFound(err) {
				return in, fmt.Errorf("get VirtualMCPCompositeToolDefinition %q: %w", name, err)
			}
			continue
		}
		in.composites[name] = d
	}
	tel, found, err := resolveTelemetry(ctx, r.Client, s.vmcp, s.spec.TelemetryConfigRef, &s.vmcp.Status.Conditions)
	if err != nil {
		return in, err
	}
	in.telemetry, in.telemetryMissing = tel, !found
	s.vmcp.Status.TelemetryConfigHash = tel.hash
	if ref := s.spec.EmbeddingServerRef; ref != nil {
		emb := &v1alpha1.EmbeddingServer{}
		if err := r.Get(ctx, types.NamespacedName{Namespace: ns, Name: ref.Name}, emb); err != nil {
			if !apierrors.IsNotFound(err) {
				return in, fmt.Errorf("get EmbeddingServer %q: %w", ref.Name, err)
			}
		} else {
			in.embedding = emb
		}
	}
	incoming, err := resolveIncomingAuth(ctx, r.APIReader, ns, vmcpIncomingAuthInput(s.spec.IncomingAuth))
	if err != nil {
		return in, err
	}
	in.incoming = incoming
	s.vmcp.Status.OIDCConfigHash, s.vmcp.Status.AuthzConfigHash = incoming.oidcHash, incoming.authzHash
	return in, nil
}

// renderChildren computes the chart values, renders the chart and merges the
// user's podTemplateSpec into the vmcp Deployment.
func (r *VirtualMCPServerReconciler) renderChildren(_ context.Context, s *vmcpScope) (ctrl.Result, error) {
	values, err := buildVMCPValues(s.vmcp, s.spec, s.cfg, s.env, s.members, r.Options)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("compute chart values: %w", err)
	}
	values.OTLPCA = s.otlpCA
	objs, mergeErr, err := r.Options.renderWorkload(virtualMCPServerGK, s.vmcp, values, "Deployment", s.spec.PodTemplateSpec)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("render the VirtualMCPServer chart: %w", err)
	}
	setVMCPPodTemplateCondition(&s.vmcp.Status.Conditions, mergeErr, s.vmcp.Generation)
	if mergeErr != nil {
		return ctrl.Result{}, errStopReported
	}
	s.objects = objs
	return ctrl.Result{}, nil
}

// applyChildren server-side applies the rendered children and prunes stale ones.
func (r *VirtualMCPServerReconciler) applyChildren(ctx context.Context, s *vmcpScope) (ctrl.Result, error) {
	_, err := r.Options.applyChildren(ctx, s.vmcp, &s.vmcp.Status.Conditions, s.objects, vmcpPruneKinds)
	return ctrl.Result{}, err
}

// observeDeployment reads the vmcp Deployment from the cache into the Ready condition.
func (r *VirtualMCPServerReconciler) observeDeployment(ctx context.Context, s *vmcpScope) (ctrl.Result, error) {
	d := &appsv1.Deployment{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: s.vmcp.Namespace, Name: s.vmcp.Name}, d); err != nil {
		if !apierrors.IsNotFound(err) {
			return ctrl.Result{}, fmt.Errorf("read vmcp Deployment %s: %w", s.vmcp.Name, err)
		}
		d = nil
	}
	name := ""
	if s.spec.GroupRef != nil {
		name = s.spec.GroupRef.Name
	}
	setVMCPReadyCondition(&s.vmcp.Status.Conditions, d, s.groupMode(), len(members.Usable(s.members)), name, s.vmcp.Generation)
	return ctrl.Result{}, nil
}

// staticBackends are the backends written in spec.config.backends.
func staticBackends(spec v1alpha1.VirtualMCPServerSpec) []config.StaticBackend {
	if spec.Config == nil {
		return nil
	}
	return spec.Config.Backends
}

// toolConfigRefs are the MCPToolConfigs named by spec.config.aggregation.tools.
func toolConfigRefs(spec v1alpha1.VirtualMCPServerSpec) []string {
	var out []string
	if spec.Config == nil || spec.Config.Aggregation == nil {
		return nil
	}
	for _, t := range spec.Config.Aggregation.Tools {
		if t.ToolConfigRef != nil && t.ToolConfigRef.Name != "" {
			out = append(out, t.ToolConfigRef.Name)
		}
	}
	return out
}

// compositeToolRefs are the definitions named by spec.config.compositeToolRefs.
func compositeToolRefs(spec v1alpha1.VirtualMCPServerSpec) []string {
	if spec.Config == nil {
		return nil
	}
	var out []string
	for _, r := range spec.Config.CompositeToolRefs {
		out = append(out, r.Name)
	}
	return out
}

// outgoingAuthRefs are the MCPExternalAuthConfigs spec.outgoingAuth names.
func outgoingAuthRefs(o *v1alpha1.OutgoingAuth) []string {
	if o == nil {
		return nil
	}
	var out []string
	add := func(b *v1alpha1.BackendAuth) {
		if b != nil && b.ExternalAuthConfigRef != nil {
			out = append(out, b.ExternalAuthConfigRef.Name)
		}
	}
	add(o.Default)
	for _, b := range o.Backends {
		add(&b)
	}
	return out
}
