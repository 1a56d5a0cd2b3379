package controllers

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=virtualmcpcompositetooldefinitions,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=virtualmcpcompositetooldefinitions/status,verbs=get;update;patch

// VirtualMCPCompositeToolDefinitionReconciler validates a composite tool's workflow
// and lists the VirtualMCPServers that reference it.
type VirtualMCPCompositeToolDefinitionReconciler struct {
	client.Client
	Options *Options
}

// SetupWithManager watches definitions and the VirtualMCPServers that reference them.
func (r *VirtualMCPCompositeToolDefinitionReconciler) SetupWithManager(mgr ctrl.Manager) error {
	refs := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		v, ok := o.(*v1alpha1.VirtualMCPServer)
		if !ok {
			return nil
		}
		return requests(v.Namespace, compositeToolRefs(v.Spec))
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("virtualmcpcompositetooldefinition").
		For(&v1alpha1.VirtualMCPCompositeToolDefinition{}, builder.WithPredicates(predicate.GenerationChangedPredicate{}, pausePredicate())).
		Watches(&v1alpha1.VirtualMCPServer{}, refs, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// Reconcile validates the workflow and writes the status once (this controller is
// its only writer, so a merge patch is safe).
func (r *VirtualMCPCompositeToolDefinitionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	d := &v1alpha1.VirtualMCPCompositeToolDefinition{}
	if err := r.Get(ctx, req.NamespacedName, d); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(d) || !d.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	orig := d.DeepCopy()
	defer func() {
		if evaluated(err) {
			d.Status.ObservedGeneration = d.Generation
		}
		err = errors.Join(err, patchStatus(ctx, r.Client, orig, d, orig.Status, d.Status))
	}()
	setWorkflowStatus(&d.Status, config.ValidateCompositeTool("spec", d.Spec, nil), d.Generation)
	names, err := referrers(ctx, r.Client, &v1alpha1.VirtualMCPServerList{}, d.Namespace, IndexCompositeToolRef, d.Name)
	if err != nil {
		return ctrl.Result{}, err
	}
	d.Status.ReferencingVirtualServers = names
	return ctrl.Result{}, nil
}

// setWorkflowStatus records the validation outcome: validationStatus,
// validationErrors and the WorkflowValidated condition.
func setWorkflowStatus(st *v1alpha1.VirtualMCPCompositeToolDefinitionStatus, errs []error, gen int64) {
	st.ValidationErrors = nil
	for _, e := range errs {
		st.ValidationErrors = append(st.ValidationErrors, e.Error())
	}
	if len(errs) == 0 {
		st.ValidationStatus = v1alpha1.ValidationValid
		conditions.Set(&st.Conditions, conditions.True(v1alpha1.ConditionWorkflowValidated, v1alpha1.ReasonValid, "the workflow is valid"), gen)
		return
	}
	st.ValidationStatus = v1alpha1.ValidationInvalid
	conditions.Set(&st.Conditions, conditions.Spec{Type: v1alpha1.ConditionWorkflowValidated, Status: metav1.ConditionFalse,
		Reason: v1alpha1.ReasonInvalid, Message: fmt.Sprintf("%d problems: %s", len(errs), joinSentences(st.ValidationErrors))}, gen)
}
