package controllers

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// setSemanticSearchCondition says whether find_tool's semantic arm has its
// embedding service: from the referenced EmbeddingServer's Ready condition
// (emb nil: not found), Unknown for an external embeddingService, and no
// condition when the optimizer has no embedding service at all.
func setSemanticSearchCondition(conds *[]metav1.Condition, spec v1alpha1.VirtualMCPServerSpec, emb *v1alpha1.EmbeddingServer, gen int64) {
	t := v1alpha1.ConditionSemanticSearchAvailable
	external := ""
	if spec.Config != nil && spec.Config.Optimizer != nil {
		external = spec.Config.Optimizer.EmbeddingService
	}
	ref := spec.EmbeddingServerRef
	switch {
	case ref != nil && emb == nil:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotFound,
			fmt.Sprintf("EmbeddingServer %q not found: find_tool answers by keyword only", ref.Name)), gen)
	case ref != nil && !conditions.IsTrue(emb.Status.Conditions, v1alpha1.ConditionReady):
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotReady,
			fmt.Sprintf("EmbeddingServer %q has no ready replica: find_tool answers by keyword only until it has", ref.Name)), gen)
	case ref != nil:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonReady,
			fmt.Sprintf("EmbeddingServer %q is ready at %s", ref.Name, emb.Status.URL)), gen)
	case external != "":
		conditions.Set(conds, conditions.Unknown(t, v1alpha1.ReasonExternal,
			fmt.Sprintf("embeddingService %s is not run by the operator; vmcp's metric vmcp_optimizer_semantic_available says whether it answers", external)), gen)
	default:
		conditions.Remove(conds, t)
	}
}

// embeddingReadinessChanged passes an EmbeddingServer's creation, deletion and
// changes of its Ready condition: what SemanticSearchAvailable follows.
func embeddingReadinessChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		o, ok1 := e.ObjectOld.(*v1alpha1.EmbeddingServer)
		n, ok2 := e.ObjectNew.(*v1alpha1.EmbeddingServer)
		return !ok1 || !ok2 || conditions.IsTrue(o.Status.Conditions, v1alpha1.ConditionReady) != conditions.IsTrue(n.Status.Conditions, v1alpha1.ConditionReady) ||
			o.Status.URL != n.Status.URL
	}}
}
