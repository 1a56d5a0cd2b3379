package controllers

import (
	"context"
	"errors"

	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcptoolconfigs,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcptoolconfigs/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcptoolconfigs/finalizers,verbs=update

// MCPToolConfigReconciler validates an MCPToolConfig, publishes its configHash and the
// workloads that reference it, and blocks its deletion while it is referenced.
type MCPToolConfigReconciler struct {
	client.Client
	Recorder record.EventRecorder
	Options  *Options
}

// toolConfigReferrers are the kinds that may reference an MCPToolConfig.
var toolConfigReferrers = []referrerKind{
	{"MCPServer", func() client.ObjectList { return &v1alpha1.MCPServerList{} }},
	{"MCPRemoteProxy", func() client.ObjectList { return &v1alpha1.MCPRemoteProxyList{} }},
}

// toolConfigScope is what one reconcile of an MCPToolConfig knows.
type toolConfigScope struct {
	// config is the loaded object; its status is written by the phases.
	config *v1alpha1.MCPToolConfig
	// refs are the referencing workloads, filled before the phases run.
	refs []referrer
	// deleting is set by guard when the config is being deleted.
	deleting bool
}

// SetupWithManager watches tool configs and the workloads that reference them.
func (r *MCPToolConfigReconciler) SetupWithManager(mgr ctrl.Manager) error {
	p := builder.WithPredicates(refChanged(toolConfigRefOf))
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.MCPToolConfig{}, builder.WithPredicates(pausePredicate())).
		Watches(&v1alpha1.MCPServer{}, mapToRef(toolConfigRefOf), p).
		Watches(&v1alpha1.MCPRemoteProxy{}, mapToRef(toolConfigRefOf), p).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// Reconcile runs the MCPToolConfig phases and writes the status once.
func (r *MCPToolConfigReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	tc := &v1alpha1.MCPToolConfig{}
	if err := r.Get(ctx, req.NamespacedName, tc); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(tc) {
		return ctrl.Result{}, nil
	}
	s := &toolConfigScope{config: tc}
	refs, err := listReferrers(ctx, r.Client, tc.Namespace, tc.Name, IndexToolConfigRef, toolConfigReferrers)
	if err != nil {
		return ctrl.Result{}, err
	}
	s.refs = refs
	if s.deleting, err = guardDeletion(ctx, r.Client, r.Recorder, tc, "MCPToolConfig", refs); err != nil || (s.deleting && len(refs) == 0) {
		return ctrl.Result{}, err
	}
	orig := tc.DeepCopy()
	defer func() {
		if evaluated(err) {
			tc.Status.ObservedGeneration = tc.Generation
		}
		err = errors.Join(err, patchStatus(ctx, r.Client, orig, tc, orig.Status, tc.Status))
	}()
	return runPhases(ctx, s, r.validate)
}

// validate checks the spec and publishes hash, referrers and the deletion state.
func (r *MCPToolConfigReconciler) validate(_ context.Context, s *toolConfigScope) (ctrl.Result, error) {
	st, gen := &s.config.Status, s.config.Generation
	setToolConfigValidCondition(&st.Conditions, s.config.Spec, gen)
	st.ConfigHash = toolConfigHash(s.config)
	st.ReferencingServers = referrerNames(s.refs)
	blocking := s.refs
	if !s.deleting {
		blocking = nil
	}
	setDeletionBlockedCondition(&st.Conditions, "MCPToolConfig", blocking, gen)
	return ctrl.Result{}, nil
}
