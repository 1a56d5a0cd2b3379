package conditions

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Spec is a condition without the bookkeeping fields; Set fills those.
type Spec struct {
	Type    string
	Status  metav1.ConditionStatus
	Reason  string
	Message string
}

// True builds a Spec with status True.
func True(t, reason, msg string) Spec {
	return Spec{Type: t, Status: metav1.ConditionTrue, Reason: reason, Message: msg}
}

// False builds a Spec with status False.
func False(t, reason, msg string) Spec {
	return Spec{Type: t, Status: metav1.ConditionFalse, Reason: reason, Message: msg}
}

// Unknown builds a Spec with status Unknown.
func Unknown(t, reason, msg string) Spec {
	return Spec{Type: t, Status: metav1.ConditionUnknown, Reason: reason, Message: msg}
}

// Set writes c into conds, stamping observedGeneration. The transition time only moves when
// the status changes, so repeated reconciles do not produce a semantic status change.
// It reports whether anything changed.
func Set(conds *[]metav1.Condition, c Spec, generation int64) bool {
	return meta.SetStatusCondition(conds, metav1.Condition{
		Type:               c.Type,
		Status:             c.Status,
		Reason:             c.Reason,
		Message:            c.Message,
		ObservedGeneration: generation,
	})
}

// Remove deletes the condition of type t; it reports whether one was present.
func Remove(conds *[]metav1.Condition, t string) bool {
	return meta.RemoveStatusCondition(conds, t)
}

// Get returns the condition of type t, or nil.
func Get(conds []metav1.Condition, t string) *metav1.Condition {
	return meta.FindStatusCondition(conds, t)
}

// IsTrue reports whether the condition t is present and True.
func IsTrue(conds []metav1.Condition, t string) bool {
	return meta.IsStatusConditionTrue(conds, t)
}

// IsFalse reports whether the condition t is present and False.
func IsFalse(conds []metav1.Condition, t string) bool {
	return meta.IsStatusConditionFalse(conds, t)
}

// Rule maps one condition state to a phase. Rules are evaluated in order by Derive.
type Rule struct {
	// Type is the condition type inspected.
	Type string
	// Status is the status that makes the rule match. A missing condition matches
	// metav1.ConditionUnknown.
	Status metav1.ConditionStatus
	// Reason, when set, must also be the condition's reason.
	Reason string
	// Phase is the result when the rule matches.
	Phase string
}

// Derive returns the phase of the first matching rule and the message of the condition
// that matched, or def and "" when no rule matches. It is the one function each kind
// uses to turn its conditions into a phase.
func Derive(conds []metav1.Condition, rules []Rule, def string) (phase, message string) {
	for _, r := range rules {
		c := Get(conds, r.Type)
		status := metav1.ConditionUnknown
		msg := ""
		if c != nil {
			status, msg = c.Status, c.Message
		}
		if status == r.Status && (r.Reason == "" || (c != nil && c.Reason == r.Reason)) {
			return r.Phase, msg
		}
	}
	return def, ""
}
