package controllers

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpservers,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpservers/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpservers/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=services;serviceaccounts;configmaps,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=roles;rolebindings,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// The proxy's Role grants these on its own pod; RBAC only lets the operator grant what it holds.
// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=pods/attach,verbs=create

// MCPServerReconciler renders and applies the children of an MCPServer (chart
// helm-charts/mcpserver) and reports their state in its status.
type MCPServerReconciler struct {
	client.Client
	// APIReader reads objects the cache does not hold (user ConfigMaps).
	APIReader client.Reader
	Recorder  record.EventRecorder
	Options   *Options
}

// mcpServerScope is what one reconcile of an MCPServer knows.
type mcpServerScope struct {
	// server is the loaded object; its status is written by the phases.
	server *v1alpha1.MCPServer
	// spec is the normalised spec, filled by validate.
	spec v1alpha1.MCPServerSpec
	// toolConfig and extAuth are the referenced configs, filled by resolveRefs when referenced.
	toolConfig *v1alpha1.MCPToolConfig
	extAuth    *v1alpha1.MCPExternalAuthConfig
	// auth is the resolved oidcConfig and authzConfig, filled by resolveRefs.
	auth resolvedAuth
	// telemetry and webhooks are the resolved telemetryConfigRef and webhookConfigRef,
	// filled by resolveRefs.
	telemetry resolvedTelemetry
	webhooks  resolvedWebhooks
	// objects are the rendered children, filled by renderChildren.
	objects []*unstructured.Unstructured
	// applied is what applyChildren did, with the children as the API server has them.
	applied render.Result
}

// mcpServerPruneKinds are the kinds the mcpserver chart may render (and so may prune).
var mcpServerPruneKinds = gvks(&appsv1.Deployment{}, &appsv1.StatefulSet{}, &corev1.Service{},
	&corev1.ServiceAccount{}, &corev1.ConfigMap{}, &rbacv1.Role{}, &rbacv1.RoleBinding{}, &networkingv1.NetworkPolicy{})

// SetupWithManager watches MCPServers, their children, and the groups and configs they reference.
func (r *MCPServerReconciler) SetupWithManager(mgr ctrl.Manager) error {
	list := func() client.ObjectList { return &v1alpha1.MCPServerList{} }
	b := ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.MCPServer{}, builder.WithPredicates(specOrMetadataChanged(), pausePredicate())).
		Watches(&v1alpha1.MCPToolConfig{}, mapByIndex(r.Client, list, IndexToolConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPExternalAuthConfig{}, mapByIndex(r.Client, list, IndexExternalAuthConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPGroup{}, mapByIndex(r.Client, list, IndexGroupRef), builder.WithPredicates(existenceChanged())).
		Watches(&v1alpha1.MCPOIDCConfig{}, mapByIndex(r.Client, list, IndexOIDCConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPAuthzConfig{}, mapByIndex(r.Client, list, IndexAuthzConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		// The server pod (owned by the StatefulSet) wakes its MCPServer when it starts or fails.
		Watches(&corev1.Pod{}, handler.EnqueueRequestsFromMapFunc(mcpServerOfPod)).
		Watches(&v1alpha1.MCPTelemetryConfig{}, mapByIndex(r.Client, list, IndexTelemetryConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.MCPWebhookConfig{}, mapByIndex(r.Client, list, IndexWebhookConfigRef), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()})
	for _, k := range ChildKinds() {
		b = b.Owns(k, builder.WithPredicates(notCreated()))
	}
	return b.Complete(r)
}

// mcpServerOfPod maps an MCP server pod to its MCPServer (the instance label).
func mcpServerOfPod(_ context.Context, obj client.Object) []reconcile.Request {
	name := obj.GetLabels()[render.LabelInstance]
	if name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: name}}}
}

// mcpServerStatusRules: phase from mcpServerPhaseRules, a Warning per condition turned bad.
var mcpServerStatusRules = statusRules[*v1alpha1.MCPServer]{
	status: func(s *v1alpha1.MCPServer) (any, *[]metav1.Condition, *int64) {
		return *s.Status.DeepCopy(), &s.Status.Conditions, &s.Status.ObservedGeneration
	},
	phase: setMCPServerPhase,
}

// Reconcile runs the MCPServer phases and writes the status once.
func (r *MCPServerReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	server := &v1alpha1.MCPServer{}
	if err := r.Get(ctx, req.NamespacedName, server); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(server) || !server.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	orig := server.DeepCopy()
	s := &mcpServerScope{server: server}
	defer func() { err = finishStatus(ctx, r.Client, r.Recorder, orig, server, mcpServerStatusRules, err) }()
	return runPhases(ctx, s, r.validate, r.resolveGroup, r.resolveRefs, r.renderChildren, r.applyChildren, r.observeWorkloads)
}
