package controllers

import (
	"context"
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpoidcconfigs;mcptelemetryconfigs;mcpauthzconfigs;mcpwebhookconfigs;mcpregistries,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpoidcconfigs/status;mcptelemetryconfigs/status;mcpauthzconfigs/status;mcpwebhookconfigs/status;mcpregistries/status,verbs=get;update;patch

// SharedConfigReconciler is the one reconciler of the shared configuration kinds
// (MCPOIDCConfig, MCPTelemetryConfig, MCPAuthzConfig, MCPWebhookConfig) and of
// MCPRegistry: it checks the spec, publishes configHash (what referencing workloads roll
// on) and reports fields that do not take effect. One instance per kind, configured by
// a sharedKind.
type SharedConfigReconciler struct {
	client.Client
	Recorder record.EventRecorder
	Options  *Options
	Kind     sharedKind
}

// sharedKind describes one kind for SharedConfigReconciler.
type sharedKind struct {
	name string
	// newObj returns an empty object of the kind.
	newObj func() client.Object
	// status returns the object's status (compared before and after the reconcile),
	// its conditions, observedGeneration and configHash (nil when the kind has none).
	status func(client.Object) (any, *[]metav1.Condition, *int64, *string)
	// spec returns the spec the hash covers.
	spec func(client.Object) any
	// problem says what is wrong with the spec ("" when valid).
	problem func(client.Object) string
	// unsupported lists the set fields that do not take effect.
	unsupported func(client.Object) []string
	// finish, when set, writes the kind's remaining status fields.
	finish func(client.Object)
}

// sharedKinds lists the kinds SharedConfigReconciler serves.
func sharedKinds() []sharedKind {
	return []sharedKind{
		{
			name:   "MCPOIDCConfig",
			newObj: func() client.Object { return &v1alpha1.MCPOIDCConfig{} },
			status: func(o client.Object) (any, *[]metav1.Condition, *int64, *string) {
				s := &o.(*v1alpha1.MCPOIDCConfig).Status
				return *s.DeepCopy(), &s.Conditions, &s.ObservedGeneration, &s.ConfigHash
			},
			spec: func(o client.Object) any { return o.(*v1alpha1.MCPOIDCConfig).Spec },
			problem: func(o client.Object) string {
				_, err := oidcFromShared(o.(*v1alpha1.MCPOIDCConfig).Spec, &v1alpha1.OIDCConfigRef{})
				return errString(err)
			},
			unsupported: func(o client.Object) []string { return o.(*v1alpha1.MCPOIDCConfig).Spec.UnsupportedFields() },
		},
		{
			name:   "MCPAuthzConfig",
			newObj: func() client.Object { return &v1alpha1.MCPAuthzConfig{} },
			status: func(o client.Object) (any, *[]metav1.Condition, *int64, *string) {
				s := &o.(*v1alpha1.MCPAuthzConfig).Status
				return *s.DeepCopy(), &s.Conditions, &s.ObservedGeneration, &s.ConfigHash
			},
			spec: func(o client.Object) any { return o.(*v1alpha1.MCPAuthzConfig).Spec },
			problem: func(o client.Object) string {
				_, err := authzFromShared(o.(*v1alpha1.MCPAuthzConfig).Spec)
				return errString(err)
			},
			unsupported: func(client.Object) []string { return nil },
		},
		{
			name:   "MCPTelemetryConfig",
			newObj: func() client.Object { return &v1alpha1.MCPTelemetryConfig{} },
			status: func(o client.Object) (any, *[]metav1.Condition, *int64, *string) {
				s := &o.(*v1alpha1.MCPTelemetryConfig).Status
				return *s.DeepCopy(), &s.Conditions, &s.ObservedGeneration, &s.ConfigHash
			},
			spec: func(o client.Object) any { return o.(*v1alpha1.MCPTelemetryConfig).Spec },
			problem: func(o client.Object) string {
				spec := o.(*v1alpha1.MCPTelemetryConfig).Spec
				c, _ := proxyTelemetry(resolvedTelemetry{spec: &spec, serviceName: o.GetName()})
				return errString(c.Validate())
			},
			unsupported: func(o client.Object) []string { return o.(*v1alpha1.MCPTelemetryConfig).Spec.UnsupportedFields() },
		},
		{
			name:   "MCPWebhookConfig",
			newObj: func() client.Object { return &v1alpha1.MCPWebhookConfig{} },
			status: func(o client.Object) (any, *[]metav1.Condition, *int64, *string) {
				s := &o.(*v1alpha1.MCPWebhookConfig).Status
				return *s.DeepCopy(), &s.Conditions, &s.ObservedGeneration, &s.ConfigHash
			},
			spec:        func(o client.Object) any { return o.(*v1alpha1.MCPWebhookConfig).Spec },
			problem:     func(client.Object) string { return "" },
			unsupported: func(client.Object) []string { return nil },
		},
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// SetupWithManager watches the kind.
func (r *SharedConfigReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named(r.Kind.name).
		For(r.Kind.newObj(), builder.WithPredicates(pausePredicate())).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// Reconcile checks one object and writes its status once.
func (r *SharedConfigReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	obj := r.Kind.newObj()
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(obj) || !obj.GetDeletionTimestamp().IsZero() {
		return ctrl.Result{}, nil
	}
	orig := obj.DeepCopyObject().(client.Object)
	before, _, _, _ := r.Kind.status(orig)
	_, conds, observed, hash := r.Kind.status(obj)
	gen := obj.GetGeneration()
	if p := r.Kind.problem(obj); p != "" {
		setProblemsCondition(conds, v1alpha1.ConditionValid, []string{p}, "", gen)
	} else {
		setProblemsCondition(conds, v1alpha1.ConditionValid, nil, r.Kind.name+" is valid", gen)
	}
	reportUnsupported(r.Recorder, obj, conds, r.Kind.unsupported(obj))
	if hash != nil {
		*hash = render.Hash(r.Kind.spec(obj))
	}
	if r.Kind.finish != nil {
		r.Kind.finish(obj)
	}
	*observed = gen
	after, _, _, _ := r.Kind.status(obj)
	return ctrl.Result{}, errors.Join(patchStatus(ctx, r.Client, orig, obj, before, after))
}
