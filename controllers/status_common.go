package controllers

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// Condition setters shared by several kinds. Each is pure: it only writes conds.

// setDeprecatedCondition records legacy forms (or removes the condition when there are
// none); it reports whether the condition changed, so the caller emits one event.
func setDeprecatedCondition(conds *[]metav1.Condition, warnings []string, gen int64) bool {
	if len(warnings) == 0 {
		return conditions.Remove(conds, v1alpha1.ConditionDeprecated)
	}
	before := conditions.Get(*conds, v1alpha1.ConditionDeprecated)
	msg := joinSentences(warnings)
	conditions.Set(conds, conditions.True(v1alpha1.ConditionDeprecated, v1alpha1.ReasonLegacyForm, msg), gen)
	return before == nil || before.Message != msg
}

// setGroupRefCondition reports whether the groupRef names an existing MCPGroup; it is
// removed when there is no groupRef.
func setGroupRefCondition(conds *[]metav1.Condition, ref *v1alpha1.GroupRef, found bool, gen int64) {
	t := v1alpha1.ConditionGroupRefValidated
	switch {
	case ref == nil:
		conditions.Remove(conds, t)
	case ref.Problem() != "":
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonInvalid, ref.Problem()), gen)
	case !found:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotFound,
			fmt.Sprintf("MCPGroup %q not found in this namespace; create it or fix spec.groupRef", ref.Name)), gen)
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonValid, fmt.Sprintf("MCPGroup %q exists", ref.Name)), gen)
	}
}

// refCheck is the outcome of resolving one optional reference.
type refCheck struct {
	conditionType, kind, field, name string
	found                            bool
}

// setRefCondition sets the condition of an optional reference and reports whether the
// reference is usable (absent or found).
func setRefCondition(conds *[]metav1.Condition, r refCheck, gen int64) bool {
	switch {
	case r.name == "":
		conditions.Remove(conds, r.conditionType)
		return true
	case !r.found:
		conditions.Set(conds, conditions.False(r.conditionType, v1alpha1.ReasonNotFound,
			fmt.Sprintf("%s %q not found in this namespace; create it or remove %s", r.kind, r.name, r.field)), gen)
		return false
	default:
		conditions.Set(conds, conditions.True(r.conditionType, v1alpha1.ReasonValid, fmt.Sprintf("%s %q found", r.kind, r.name)), gen)
		return true
	}
}

// setPodTemplateCondition reports whether the user's podTemplateSpec could be merged.
func setPodTemplateCondition(conds *[]metav1.Condition, err error, gen int64) {
	if err != nil {
		conditions.Set(conds, conditions.False(v1alpha1.ConditionPodTemplateValid, v1alpha1.ReasonInvalid,
			"spec.podTemplateSpec: "+err.Error()), gen)
		return
	}
	conditions.Set(conds, conditions.True(v1alpha1.ConditionPodTemplateValid, v1alpha1.ReasonValid, "pod template is valid"), gen)
}

// setApplyCondition records a failure to apply children in Ready (it is overwritten by
// the workload state when applying succeeds).
func setApplyCondition(conds *[]metav1.Condition, err error, gen int64) {
	if err != nil {
		conditions.Set(conds, conditions.False(v1alpha1.ConditionReady, v1alpha1.ReasonApplyFailed, "applying children failed: "+err.Error()), gen)
	}
}

// reportUnsupported sets the Unsupported condition to the fields that are accepted but do
// not take effect (removed when there are none) and emits one Warning event when that list
// changes, so a user always learns what is not acted on.
func reportUnsupported(rec record.EventRecorder, obj client.Object, conds *[]metav1.Condition, fields []string) {
	if setUnsupportedCondition(conds, fields, obj.GetGeneration()) && len(fields) > 0 {
		rec.Event(obj, corev1.EventTypeWarning, v1alpha1.ConditionUnsupported, unsupportedMessage(fields))
	}
}

// setUnsupportedCondition is the pure part of reportUnsupported; it reports whether the
// condition's message changed.
func setUnsupportedCondition(conds *[]metav1.Condition, fields []string, gen int64) bool {
	if len(fields) == 0 {
		return conditions.Remove(conds, v1alpha1.ConditionUnsupported)
	}
	before := ""
	if c := conditions.Get(*conds, v1alpha1.ConditionUnsupported); c != nil {
		before = c.Message // copied: Set updates the condition in place
	}
	msg := unsupportedMessage(fields)
	conditions.Set(conds, conditions.True(v1alpha1.ConditionUnsupported, v1alpha1.UnsupportedReason(fields), msg), gen)
	return before != msg
}

func unsupportedMessage(fields []string) string {
	return "accepted but not acted on by this operator: " + strings.Join(fields, ", ") + "; the resource runs without them"
}
