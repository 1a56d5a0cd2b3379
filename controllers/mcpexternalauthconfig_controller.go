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

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpexternalauthconfigs,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpexternalauthconfigs/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpexternalauthconfigs/finalizers,verbs=update

// MCPExternalAuthConfigReconciler validates an MCPExternalAuthConfig, publishes its
// configHash and referrers, and blocks its deletion while it is referenced.
type MCPExternalAuthConfigReconciler struct {
	client.Client
	Recorder record.EventRecorder
	Options  *Options
}

// externalAuthReferrers are the kinds that may reference an MCPExternalAuthConfig.
var externalAuthReferrers = []referrerKind{
	{"MCPServer", func() client.ObjectList { return &v1alpha1.MCPServerList{} }},
	{"MCPRemoteProxy", func() client.ObjectList { return &v1alpha1.MCPRemoteProxyList{} }},
	{"MCPServerEntry", func() client.ObjectList { return &v1alpha1.MCPServerEntryList{} }},
}

// extAuthScope is what one reconcile of an MCPExternalAuthConfig knows.
type extAuthScope struct {
	// config is the loaded object; its status is written by validate.
	config *v1alpha1.MCPExternalAuthConfig
	// refs are the referrers, filled before the phases run.
	refs []referrer
	// deleting is set when the config is being deleted.
	deleting bool
}

// SetupWithManager watches auth configs and their referrers.
func (r *MCPExternalAuthConfigReconciler) SetupWithManager(mgr ctrl.Manager) error {
	p := builder.WithPredicates(refChanged(externalAuthRefOf))
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.MCPExternalAuthConfig{}, builder.WithPredicates(pausePredicate())).
		Watches(&v1alpha1.MCPServer{}, mapToRef(externalAuthRefOf), p).
		Watches(&v1alpha1.MCPRemoteProxy{}, mapToRef(externalAuthRefOf), p).
		Watches(&v1alpha1.MCPServerEntry{}, mapToRef(externalAuthRefOf), p).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// Reconcile runs the MCPExternalAuthConfig phases and writes the status once.
func (r *MCPExternalAuthConfigReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	ea := &v1alpha1.MCPExternalAuthConfig{}
	if err := r.Get(ctx, req.NamespacedName, ea); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(ea) {
		return ctrl.Result{}, nil
	}
	s := &extAuthScope{config: ea}
	refs, err := listReferrers(ctx, r.Client, ea.Namespace, ea.Name, IndexExternalAuthConfigRef, externalAuthReferrers)
	if err != nil {
		return ctrl.Result{}, err
	}
	s.refs = refs
	if s.deleting, err = guardDeletion(ctx, r.Client, r.Recorder, ea, "MCPExternalAuthConfig", refs); err != nil || (s.deleting && len(refs) == 0) {
		return ctrl.Result{}, err
	}
	orig := ea.DeepCopy()
	defer func() {
		if evaluated(err) {
			ea.Status.ObservedGeneration = ea.Generation
		}
		err = errors.Join(err, patchStatus(ctx, r.Client, orig, ea, orig.Status, ea.Status))
	}()
	return runPhases(ctx, s, r.validate)
}

// validate checks the spec and publishes hash, referrers and the deletion state.
func (r *MCPExternalAuthConfigReconciler) validate(_ context.Context, s *extAuthScope) (ctrl.Result, error) {
	st, gen := &s.config.Status, s.config.Generation
	setExternalAuthValidCondition(&st.Conditions, s.config.Spec, gen)
	reportUnsupported(r.Recorder, s.config, &st.Conditions, s.config.Spec.UnsupportedFields())
	st.ConfigHash = externalAuthHash(s.config)
	st.ReferencingServers = referrerNames(s.refs)
	blocking := s.refs
	if !s.deleting {
		blocking = nil
	}
	setDeletionBlockedCondition(&st.Conditions, "MCPExternalAuthConfig", blocking, gen)
	return ctrl.Result{}, nil
}
