package controllers

import (
	"context"
	"errors"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=virtualmcpservers,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=virtualmcpservers/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=virtualmcpservers/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=virtualmcpcompositetooldefinitions,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpgroups;mcpservers;mcpremoteproxies;mcpserverentries;mcptoolconfigs;mcpexternalauthconfigs,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch

// VirtualMCPServerReconciler validates a VirtualMCPServer, discovers its group's
// backends, resolves their authentication and tool configs, renders its children
// (chart helm-charts/virtualmcpserver) and reports the result in its status.
type VirtualMCPServerReconciler struct {
	client.Client
	// APIReader reads objects the cache does not hold (user ConfigMaps with OIDC or authz settings).
	APIReader client.Reader
	Recorder  record.EventRecorder
	Options   *Options
}

// vmcpScope is what one reconcile of a VirtualMCPServer knows.
type vmcpScope struct {
	// vmcp is the loaded object; the phases write its status conditions.
	vmcp *v1alpha1.VirtualMCPServer
	// spec is the normalised spec, filled by validate.
	spec v1alpha1.VirtualMCPServerSpec
	// group is the referenced MCPGroup, filled by resolveGroup (nil in inline mode or when missing).
	group *v1alpha1.MCPGroup
	// members are the group's members, filled by discover.
	members []members.Member
	// discovery is what status.discoveredBackends lists (static backends and members
	// with their outgoing auth), filled by resolveConfig; nil when it did not run.
	discovery *members.Discovery
	// cfg is the resolved vmcp configuration and env the Deployment's extra env,
	// filled by resolveConfig.
	cfg *config.Config
	env []corev1.EnvVar
	// otlpCA is the CA bundle of the referenced MCPTelemetryConfig, filled by resolveConfig.
	otlpCA *helmcharts.ConfigMapFile
	// objects are the rendered children, filled by renderChildren.
	objects []*unstructured.Unstructured
}

// groupMode reports whether backends come from a group (rather than only spec.config.backends).
func (s *vmcpScope) groupMode() bool { return s.spec.GroupRef != nil }

// SetupWithManager watches VirtualMCPServers, their children, and everything they
// resolve: groups, members, tool configs, auth configs and composite tool definitions.
func (r *VirtualMCPServerReconciler) SetupWithManager(mgr ctrl.Manager) error {
	list := func() client.ObjectList { return &v1alpha1.VirtualMCPServerList{} }
	toGroupVMCPs := r.mapMemberToVMCPs()
	b := ctrl.NewControllerManagedBy(mgr).
		Named("virtualmcpserver").
		For(&v1alpha1.VirtualMCPServer{}, builder.WithPredicates(predicate.Or(specOrMetadataChanged(), backendReportChanged()), pausePredicate())).
		Watches(&v1alpha1.MCPGroup{}, mapByIndex(r.Client, list, IndexGroupRef), builder.WithPredicates(groupPhaseChanged())).
		Watches(&v1alpha1.MCPServer{}, toGroupVMCPs).
		Watches(&v1alpha1.MCPRemoteProxy{}, toGroupVMCPs).
		Watches(&v1alpha1.MCPServerEntry{}, toGroupVMCPs).
		Watches(&v1alpha1.MCPToolConfig{}, mapByIndex(r.Client, list, IndexToolConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPOIDCConfig{}, mapByIndex(r.Client, list, IndexOIDCConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPAuthzConfig{}, mapByIndex(r.Client, list, IndexAuthzConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPTelemetryConfig{}, mapByIndex(r.Client, list, IndexTelemetryConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPExternalAuthConfig{}, r.mapAuthConfigToVMCPs(), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.VirtualMCPCompositeToolDefinition{}, mapByIndex(r.Client, list, IndexCompositeToolRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.EmbeddingServer{}, mapByIndex(r.Client, list, IndexEmbeddingServerRef), builder.WithPredicates(embeddingReadinessChanged())).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()})
	for _, k := range ChildKinds() {
		b = b.Owns(k)
	}
	return b.Complete(r)
}

// groupPhaseChanged passes a group's creation, deletion and phase changes.
func groupPhaseChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		o, ok1 := e.ObjectOld.(*v1alpha1.MCPGroup)
		n, ok2 := e.ObjectNew.(*v1alpha1.MCPGroup)
		return !ok1 || !ok2 || o.Status.Phase != n.Status.Phase
	}}
}

// mapMemberToVMCPs enqueues the VirtualMCPServers of a member's group (old and new
// group on updates: the handler maps both objects).
func (r *VirtualMCPServerReconciler) mapMemberToVMCPs() handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, obj client.Object) []reconcile.Request {
		return r.vmcpsOfGroups(ctx, obj.GetNamespace(), groupOf(obj))
	})
}

// mapAuthConfigToVMCPs enqueues the VirtualMCPServers that name an auth config in
// spec.outgoingAuth, and those whose group has a member that references it.
func (r *VirtualMCPServerReconciler) mapAuthConfigToVMCPs() handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, obj client.Object) []reconcile.Request {
		ns, name := obj.GetNamespace(), obj.GetName()
		direct, _ := referrers(ctx, r.Client, &v1alpha1.VirtualMCPServerList{}, ns, IndexExternalAuthConfigRef, name)
		reqs := requests(ns, direct)
		var groups []string
		for _, l := range []client.ObjectList{&v1alpha1.MCPServerList{}, &v1alpha1.MCPRemoteProxyList{}, &v1alpha1.MCPServerEntryList{}} {
			if err := r.List(ctx, l, client.InNamespace(ns), client.MatchingFields{IndexExternalAuthConfigRef: name}); err != nil {
				continue
			}
			groups = append(groups, memberGroups(l)...)
		}
		return append(reqs, r.vmcpsOfGroups(ctx, ns, groups...)...)
	})
}

func (r *VirtualMCPServerReconciler) vmcpsOfGroups(ctx context.Context, ns string, groups ...string) []reconcile.Request {
	var reqs []reconcile.Request
	for _, g := range groups {
		if g == "" {
			continue
		}
		names, err := referrers(ctx, r.Client, &v1alpha1.VirtualMCPServerList{}, ns, IndexGroupRef, g)
		if err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Listing VirtualMCPServers of a group failed", "group", g)
			continue
		}
		reqs = append(reqs, requests(ns, names)...)
	}
	return reqs
}

func memberGroups(l client.ObjectList) []string {
	var out []string
	switch x := l.(type) {
	case *v1alpha1.MCPServerList:
		for i := range x.Items {
			out = append(out, x.Items[i].GroupName())
		}
	case *v1alpha1.MCPRemoteProxyList:
		for i := range x.Items {
			out = append(out, x.Items[i].GroupName())
		}
	case *v1alpha1.MCPServerEntryList:
		for i := range x.Items {
			out = append(out, x.Items[i].GroupName())
		}
	}
	return out
}

func requests(ns string, names []string) []reconcile.Request {
	out := make([]reconcile.Request, 0, len(names))
	for _, n := range names {
		out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: n}})
	}
	return out
}

// Reconcile runs the VirtualMCPServer phases in order and applies the
// controller-owned status fields once.
func (r *VirtualMCPServerReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	v := &v1alpha1.VirtualMCPServer{}
	if err := r.Get(ctx, req.NamespacedName, v); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(v) || !v.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	before := ownStatus(&v.Status)
	beforeConds := slices.Clone(v.Status.Conditions)
	s := &vmcpScope{vmcp: v}
	defer func() {
		st := &v.Status
		st.URL = vmcpURL(v)
		if d := reportBackends(v, s, err != nil, time.Now()); d > 0 && (res.RequeueAfter == 0 || d < res.RequeueAfter) {
			res.RequeueAfter = d
		}
		st.Phase, st.Message = vmcpPhase(st, bestEffort(s.spec), leftOut(s))
		if evaluated(err) {
			st.ObservedGeneration = v.Generation
		}
		emitWarnings(r.Recorder, v, beforeConds, st.Conditions)
		err = errors.Join(err, applyVMCPStatus(ctx, r.Client, v, before, ownStatus(st)))
	}()
	return runPhases(ctx, s, r.validate, r.resolveGroup, r.discover, r.resolveConfig, r.renderChildren, r.applyChildren, r.observeDeployment)
}

// bestEffort reports whether partialFailureMode is best_effort.
func bestEffort(spec v1alpha1.VirtualMCPServerSpec) bool {
	if spec.Config == nil || spec.Config.Operational == nil || spec.Config.Operational.FailureHandling == nil {
		return false
	}
	return spec.Config.Operational.FailureHandling.PartialFailureMode == config.PartialFailureBestEffort
}
