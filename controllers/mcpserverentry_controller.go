package controllers

import (
	"context"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpserverentries,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpserverentries/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// MCPServerEntryReconciler validates an MCPServerEntry (a remote backend with no pods):
// its URL, group, auth reference, CA bundle and header secrets. It creates nothing and
// never contacts the URL.
type MCPServerEntryReconciler struct {
	client.Client
	// APIReader reads user ConfigMaps, which the cache does not hold.
	APIReader client.Reader
	Recorder  record.EventRecorder
	Options   *Options
}

// entryScope is what one reconcile of an MCPServerEntry knows.
type entryScope struct {
	// entry is the loaded object; its status is written by the phases.
	entry *v1alpha1.MCPServerEntry
	// spec is the normalised spec, filled by normalize.
	spec v1alpha1.MCPServerEntrySpec
}

// SetupWithManager watches entries and the groups and auth configs they reference.
func (r *MCPServerEntryReconciler) SetupWithManager(mgr ctrl.Manager) error {
	list := func() client.ObjectList { return &v1alpha1.MCPServerEntryList{} }
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.MCPServerEntry{}, builder.WithPredicates(specOrMetadataChanged(), pausePredicate())).
		Watches(&v1alpha1.MCPGroup{}, mapByIndex(r.Client, list, IndexGroupRef), builder.WithPredicates(existenceChanged())).
		Watches(&v1alpha1.MCPExternalAuthConfig{}, mapByIndex(r.Client, list, IndexExternalAuthConfigRef), builder.WithPredicates(predicate.Or(existenceChanged(), predicate.GenerationChangedPredicate{}))).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// entryStatusRules: phase from entryPhaseRules, one Warning when the entry turns invalid.
var entryStatusRules = statusRules[*v1alpha1.MCPServerEntry]{
	status: func(e *v1alpha1.MCPServerEntry) (any, *[]metav1.Condition, *int64) {
		return *e.Status.DeepCopy(), &e.Status.Conditions, &e.Status.ObservedGeneration
	},
	phase: setEntryPhase,
	events: func(rec record.EventRecorder, orig, entry *v1alpha1.MCPServerEntry) {
		if msg := entryFailureEvent(orig.Status, entry.Status); msg != "" {
			rec.Event(entry, corev1.EventTypeWarning, v1alpha1.ReasonInvalid, msg)
		}
	},
}

// Reconcile validates the entry and writes the status once.
func (r *MCPServerEntryReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	entry := &v1alpha1.MCPServerEntry{}
	if err := r.Get(ctx, req.NamespacedName, entry); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(entry) || !entry.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	orig := entry.DeepCopy()
	s := &entryScope{entry: entry}
	defer func() { err = finishStatus(ctx, r.Client, r.Recorder, orig, entry, entryStatusRules, err) }()
	return runPhases(ctx, s, r.normalize, r.checkURL, r.checkGroup, r.checkAuth, r.checkCABundle, r.checkHeaderSecrets)
}
