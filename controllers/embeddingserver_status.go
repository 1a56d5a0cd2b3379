package controllers

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// setEmbeddingReadyCondition derives Ready from the StatefulSet.
func setEmbeddingReadyCondition(conds *[]metav1.Condition, sts *appsv1.StatefulSet, gen int64) {
	t := v1alpha1.ConditionReady
	switch {
	case sts == nil:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonPending, "waiting for the StatefulSet to be created"), gen)
	case sts.Status.ReadyReplicas < 1:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotReady, fmt.Sprintf("StatefulSet %s has no ready replica (the model may still be downloading)", sts.Name)), gen)
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonReady, fmt.Sprintf("%d replica(s) ready", sts.Status.ReadyReplicas)), gen)
	}
}

var embeddingPhaseRules = []conditions.Rule{
	{Type: v1alpha1.ConditionPodTemplateValid, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Phase: string(v1alpha1.PhaseReady)},
	{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhasePending)},
}

// setEmbeddingPhase derives phase and message from the conditions.
func setEmbeddingPhase(e *v1alpha1.EmbeddingServer) {
	phase, msg := conditions.Derive(e.Status.Conditions, embeddingPhaseRules, string(v1alpha1.PhasePending))
	e.Status.Phase, e.Status.Message = v1alpha1.Phase(phase), msg
}
