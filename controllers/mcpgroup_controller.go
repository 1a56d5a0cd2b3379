package controllers

import (
	"context"
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpgroups,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpgroups/status,verbs=get;update;patch

// MCPGroupReconciler keeps an MCPGroup's member lists and counts current.
type MCPGroupReconciler struct {
	client.Client
	Options *Options
}

// groupScope is what one reconcile of an MCPGroup knows.
type groupScope struct {
	// group is the loaded object; its status is written by listMembers.
	group *v1alpha1.MCPGroup
}

// groupOf returns a member's group name ("" for other kinds or no group).
func groupOf(o client.Object) string {
	switch m := o.(type) {
	case *v1alpha1.MCPServer:
		return m.GroupName()
	case *v1alpha1.MCPRemoteProxy:
		return m.GroupName()
	case *v1alpha1.MCPServerEntry:
		return m.GroupName()
	}
	return ""
}

// membershipChanged passes creates, deletes and updates that move a member between groups.
func membershipChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool { return groupOf(e.ObjectOld) != groupOf(e.ObjectNew) }}
}

// SetupWithManager watches groups and their three member kinds.
func (r *MCPGroupReconciler) SetupWithManager(mgr ctrl.Manager) error {
	members := builder.WithPredicates(membershipChanged())
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.MCPGroup{}, builder.WithPredicates(predicate.GenerationChangedPredicate{}, pausePredicate())).
		Watches(&v1alpha1.MCPServer{}, mapToRef(groupOf), members).
		Watches(&v1alpha1.MCPRemoteProxy{}, mapToRef(groupOf), members).
		Watches(&v1alpha1.MCPServerEntry{}, mapToRef(groupOf), members).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// Reconcile lists the group's members and writes the status once.
func (r *MCPGroupReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	group := &v1alpha1.MCPGroup{}
	if err := r.Get(ctx, req.NamespacedName, group); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(group) || !group.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	orig := group.DeepCopy()
	defer func() { err = finishStatus(ctx, r.Client, nil, orig, group, groupStatusRules, err) }()
	return runPhases(ctx, &groupScope{group: group}, r.listMembers)
}

// groupStatusRules: phase from groupPhaseRules (no Warning events, as before).
var groupStatusRules = statusRules[*v1alpha1.MCPGroup]{
	status: func(g *v1alpha1.MCPGroup) (any, *[]metav1.Condition, *int64) {
		return *g.Status.DeepCopy(), &g.Status.Conditions, &g.Status.ObservedGeneration
	},
	phase: setGroupPhase,
}

// listMembers fills the member lists from the groupRef index (the cache, no API call).
func (r *MCPGroupReconciler) listMembers(ctx context.Context, s *groupScope) (ctrl.Result, error) {
	ns, name := s.group.Namespace, s.group.Name
	servers, err1 := referrers(ctx, r.Client, &v1alpha1.MCPServerList{}, ns, IndexGroupRef, name)
	proxies, err2 := referrers(ctx, r.Client, &v1alpha1.MCPRemoteProxyList{}, ns, IndexGroupRef, name)
	entries, err3 := referrers(ctx, r.Client, &v1alpha1.MCPServerEntryList{}, ns, IndexGroupRef, name)
	err := errors.Join(err1, err2, err3)
	setGroupMembers(&s.group.Status, servers, proxies, entries, err, s.group.Generation)
	return ctrl.Result{}, err
}
