package controllers

import (
	"context"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcptoolconfigs;mcpexternalauthconfigs,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcptoolconfigs/status;mcpexternalauthconfigs/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcptoolconfigs/finalizers;mcpexternalauthconfigs/finalizers,verbs=update

// ReferencedConfigReconciler is the one reconciler of the configs workloads reference by
// name, MCPToolConfig and MCPExternalAuthConfig: it validates the spec, publishes its
// configHash and the workloads that reference it, and blocks its deletion while it is
// referenced. One instance per kind, configured by a referencedKind.
type ReferencedConfigReconciler struct {
	client.Client
	Recorder record.EventRecorder
	Options  *Options
	Kind     referencedKind
}

// referencedKind describes one kind for ReferencedConfigReconciler.
type referencedKind struct {
	name string
	// newObj returns an empty object of the kind.
	newObj func() client.Object
	// index is the field index over the referrers' reference to the kind.
	index string
	// referrers are the kinds that may reference it; refOf reads a referrer's reference.
	referrers []referrerKind
	watched   []client.Object
	refOf     func(client.Object) string
	// status returns a copy of the status (compared before and after the reconcile) and
	// the fields the reconciler writes.
	status func(client.Object) (copied any, f configStatusFields)
	// validate sets the kind's Valid condition (and reports unsupported fields) and
	// returns the configHash.
	validate func(rec record.EventRecorder, obj client.Object, conds *[]metav1.Condition) string
}

// configStatusFields point into a config's status.
type configStatusFields struct {
	conditions  *[]metav1.Condition
	observed    *int64
	hash        *string
	referencing *[]string
}

// referencedKinds are the kinds ReferencedConfigReconciler serves.
func referencedKinds() []referencedKind {
	return []referencedKind{
		{
			name: "MCPToolConfig", newObj: func() client.Object { return &v1alpha1.MCPToolConfig{} },
			index: IndexToolConfigRef, refOf: toolConfigRefOf,
			referrers: []referrerKind{
				{"MCPServer", func() client.ObjectList { return &v1alpha1.MCPServerList{} }},
				{"MCPRemoteProxy", func() client.ObjectList { return &v1alpha1.MCPRemoteProxyList{} }},
			},
			watched: []client.Object{&v1alpha1.MCPServer{}, &v1alpha1.MCPRemoteProxy{}},
			status: func(o client.Object) (any, configStatusFields) {
				s := &o.(*v1alpha1.MCPToolConfig).Status
				return *s.DeepCopy(), configStatusFields{&s.Conditions, &s.ObservedGeneration, &s.ConfigHash, &s.ReferencingServers}
			},
			validate: func(_ record.EventRecorder, o client.Object, conds *[]metav1.Condition) string {
				tc := o.(*v1alpha1.MCPToolConfig)
				setToolConfigValidCondition(conds, tc.Spec, tc.Generation)
				return toolConfigHash(tc)
			},
		},
		{
			name: "MCPExternalAuthConfig", newObj: func() client.Object { return &v1alpha1.MCPExternalAuthConfig{} },
			index: IndexExternalAuthConfigRef, refOf: externalAuthRefOf,
			referrers: []referrerKind{
				{"MCPServer", func() client.ObjectList { return &v1alpha1.MCPServerList{} }},
				{"MCPRemoteProxy", func() client.ObjectList { return &v1alpha1.MCPRemoteProxyList{} }},
				{"MCPServerEntry", func() client.ObjectList { return &v1alpha1.MCPServerEntryList{} }},
			},
			watched: []client.Object{&v1alpha1.MCPServer{}, &v1alpha1.MCPRemoteProxy{}, &v1alpha1.MCPServerEntry{}},
			status: func(o client.Object) (any, configStatusFields) {
				s := &o.(*v1alpha1.MCPExternalAuthConfig).Status
				return *s.DeepCopy(), configStatusFields{&s.Conditions, &s.ObservedGeneration, &s.ConfigHash, &s.ReferencingServers}
			},
			validate: func(rec record.EventRecorder, o client.Object, conds *[]metav1.Condition) string {
				ea := o.(*v1alpha1.MCPExternalAuthConfig)
				setExternalAuthValidCondition(conds, ea.Spec, ea.Generation)
				reportUnsupported(rec, ea, conds, ea.Spec.UnsupportedFields())
				return externalAuthHash(ea)
			},
		},
	}
}

// recorderName is the event source of a kind's reconciler, e.g. mcptoolconfig-controller.
func (k referencedKind) recorderName() string { return strings.ToLower(k.name) + "-controller" }

// SetupWithManager watches the kind and the workloads that reference it.
func (r *ReferencedConfigReconciler) SetupWithManager(mgr ctrl.Manager) error {
	p := builder.WithPredicates(refChanged(r.Kind.refOf))
	b := ctrl.NewControllerManagedBy(mgr).
		Named(strings.ToLower(r.Kind.name)).
		For(r.Kind.newObj(), builder.WithPredicates(pausePredicate()))
	for _, w := range r.Kind.watched {
		b = b.Watches(w, mapToRef(r.Kind.refOf), p)
	}
	return b.WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).Complete(r)
}

// referencedConfigScope is what one reconcile of a referenced config knows.
type referencedConfigScope struct {
	// config is the loaded object; its status is written by validate.
	config client.Object
	// refs are the referencing workloads, filled before the phases run.
	refs []referrer
	// deleting is set when the config is being deleted.
	deleting bool
}

// Reconcile lists the referrers, guards deletion, runs validate and writes the status once.
func (r *ReferencedConfigReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	obj := r.Kind.newObj()
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(obj) {
		return ctrl.Result{}, nil
	}
	s := &referencedConfigScope{config: obj}
	if s.refs, err = listReferrers(ctx, r.Client, obj.GetNamespace(), obj.GetName(), r.Kind.index, r.Kind.referrers); err != nil {
		return ctrl.Result{}, err
	}
	if s.deleting, err = guardDeletion(ctx, r.Client, r.Recorder, obj, r.Kind.name, s.refs); err != nil || (s.deleting && len(s.refs) == 0) {
		return ctrl.Result{}, err
	}
	orig := obj.DeepCopyObject().(client.Object)
	rules := statusRules[client.Object]{status: func(o client.Object) (any, *[]metav1.Condition, *int64) {
		copied, f := r.Kind.status(o)
		return copied, f.conditions, f.observed
	}}
	defer func() { err = finishStatus(ctx, r.Client, nil, orig, obj, rules, err) }()
	return runPhases(ctx, s, r.validate)
}

// validate checks the spec and publishes hash, referrers and the deletion state.
func (r *ReferencedConfigReconciler) validate(_ context.Context, s *referencedConfigScope) (ctrl.Result, error) {
	_, f := r.Kind.status(s.config)
	*f.hash = r.Kind.validate(r.Recorder, s.config, f.conditions)
	*f.referencing = referrerNames(s.refs)
	var blocking []referrer
	if s.deleting {
		blocking = s.refs
	}
	setDeletionBlockedCondition(f.conditions, r.Kind.name, blocking, s.config.GetGeneration())
	return ctrl.Result{}, nil
}
