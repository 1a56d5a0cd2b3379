package controllers

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// setCABundleCondition reports whether the CA bundle ConfigMap and key exist; removed
// when no caBundleRef is set (name "").
func setCABundleCondition(conds *[]metav1.Condition, name, key string, cm *corev1.ConfigMap, gen int64) {
	t := v1alpha1.ConditionCABundleRefValidated
	switch {
	case name == "":
		conditions.Remove(conds, t)
	case cm == nil:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotFound,
			fmt.Sprintf("ConfigMap %q (spec.caBundleRef) not found; create it with the CA certificate under key %q", name, key)), gen)
	case cm.Data[key] == "" && len(cm.BinaryData[key]) == 0:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonInvalid,
			fmt.Sprintf("ConfigMap %q has no key %q; put the PEM CA bundle there or set spec.caBundleRef.configMapRef.key", name, key)), gen)
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonValid, fmt.Sprintf("CA bundle %s/%s found", name, key)), gen)
	}
}

// entryChecks are the conditions whose failure makes an entry invalid, in message order.
var entryChecks = []string{
	v1alpha1.ConditionRemoteURLValidated, v1alpha1.ConditionGroupRefValidated,
	v1alpha1.ConditionExternalAuthConfigValidated, v1alpha1.ConditionCABundleRefValidated,
}

// setEntryValidCondition summarises every check (plus header secret problems) in Valid;
// its message lists what to fix.
func setEntryValidCondition(conds *[]metav1.Condition, headerProblems []string, gen int64) {
	var problems []string
	for _, t := range entryChecks {
		if c := conditions.Get(*conds, t); c != nil && c.Status == metav1.ConditionFalse {
			problems = append(problems, c.Message)
		}
	}
	problems = append(problems, headerProblems...)
	if len(problems) == 0 {
		conditions.Set(conds, conditions.True(v1alpha1.ConditionValid, v1alpha1.ReasonValid, "entry is valid"), gen)
		return
	}
	conditions.Set(conds, conditions.False(v1alpha1.ConditionValid, v1alpha1.ReasonInvalid, strings.Join(problems, "; ")), gen)
}

var entryPhaseRules = []conditions.Rule{
	{Type: v1alpha1.ConditionValid, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionValid, Status: metav1.ConditionTrue, Phase: string(v1alpha1.PhaseValid)},
}

// setEntryPhase derives the phase (Valid, Failed, or Pending before the first check)
// and, when Failed, the message that says what to fix.
func setEntryPhase(e *v1alpha1.MCPServerEntry) {
	phase, msg := conditions.Derive(e.Status.Conditions, entryPhaseRules, string(v1alpha1.PhasePending))
	e.Status.Phase = v1alpha1.Phase(phase)
	e.Status.Message = ""
	if e.Status.Phase == v1alpha1.PhaseFailed {
		e.Status.Message = msg
	}
}

// entryFailureEvent returns the message of a Warning event to record when an entry
// has newly failed or fails for a different reason, and "" otherwise (so repeated
// reconciles of an unchanged failure do not repeat the event).
func entryFailureEvent(before, after v1alpha1.MCPServerEntryStatus) string {
	if after.Phase != v1alpha1.PhaseFailed || (before.Phase == after.Phase && before.Message == after.Message) {
		return ""
	}
	return after.Message
}
