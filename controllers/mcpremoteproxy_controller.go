package controllers

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpremoteproxies,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpremoteproxies/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpremoteproxies/finalizers,verbs=update

// MCPRemoteProxyReconciler checks an MCPRemoteProxy's remote URL, renders its proxy
// (chart helm-charts/mcpremoteproxy) and reports its state.
type MCPRemoteProxyReconciler struct {
	client.Client
	APIReader client.Reader
	Recorder  record.EventRecorder
	Options   *Options
}

// remoteProxyScope is what one reconcile of an MCPRemoteProxy knows.
type remoteProxyScope struct {
	// proxy is the loaded object; its status is written by the phases.
	proxy *v1alpha1.MCPRemoteProxy
	// spec is the normalised spec, filled by validate.
	spec v1alpha1.MCPRemoteProxySpec
	// toolConfig and extAuth are the referenced configs, filled by resolveRefs.
	toolConfig *v1alpha1.MCPToolConfig
	extAuth    *v1alpha1.MCPExternalAuthConfig
	// auth is the resolved oidcConfig and authzConfig, filled by resolveRefs.
	auth resolvedAuth
	// telemetry is the resolved telemetryConfigRef, filled by resolveRefs.
	telemetry resolvedTelemetry
	// objects are the rendered children, filled by renderChildren.
	objects []*unstructured.Unstructured
}

var remoteProxyPruneKinds = gvks(&appsv1.Deployment{}, &corev1.Service{}, &corev1.ServiceAccount{}, &corev1.ConfigMap{})

// SetupWithManager watches MCPRemoteProxies, their children and referenced configs.
func (r *MCPRemoteProxyReconciler) SetupWithManager(mgr ctrl.Manager) error {
	list := func() client.ObjectList { return &v1alpha1.MCPRemoteProxyList{} }
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.MCPRemoteProxy{}, builder.WithPredicates(specOrMetadataChanged(), pausePredicate())).
		Owns(&appsv1.Deployment{}).Owns(&corev1.Service{}).Owns(&corev1.ServiceAccount{}).Owns(&corev1.ConfigMap{}).
		Watches(&v1alpha1.MCPToolConfig{}, mapByIndex(r.Client, list, IndexToolConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPExternalAuthConfig{}, mapByIndex(r.Client, list, IndexExternalAuthConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPGroup{}, mapByIndex(r.Client, list, IndexGroupRef), builder.WithPredicates(existenceChanged())).
		Watches(&v1alpha1.MCPOIDCConfig{}, mapByIndex(r.Client, list, IndexOIDCConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPAuthzConfig{}, mapByIndex(r.Client, list, IndexAuthzConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPTelemetryConfig{}, mapByIndex(r.Client, list, IndexTelemetryConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// remoteProxyStatusRules: phase from remoteProxyPhaseRules, a Warning per condition turned bad.
var remoteProxyStatusRules = statusRules[*v1alpha1.MCPRemoteProxy]{
	status: func(p *v1alpha1.MCPRemoteProxy) (any, *[]metav1.Condition, *int64) {
		return *p.Status.DeepCopy(), &p.Status.Conditions, &p.Status.ObservedGeneration
	},
	phase: setRemoteProxyPhase,
}

// Reconcile runs the MCPRemoteProxy phases and writes the status once.
func (r *MCPRemoteProxyReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	proxy := &v1alpha1.MCPRemoteProxy{}
	if err := r.Get(ctx, req.NamespacedName, proxy); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(proxy) || !proxy.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	orig := proxy.DeepCopy()
	s := &remoteProxyScope{proxy: proxy}
	defer func() { err = finishStatus(ctx, r.Client, r.Recorder, orig, proxy, remoteProxyStatusRules, err) }()
	return runPhases(ctx, s, r.validate, r.resolveRefs, r.renderChildren, r.applyChildren, r.observeWorkload)
}
