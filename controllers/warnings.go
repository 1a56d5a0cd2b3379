package controllers

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/record"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// transientReasons are False reasons that resolve without the user (a Deployment
// rolling out): they get no Warning event.
var transientReasons = map[string]bool{v1alpha1.ReasonPending: true, v1alpha1.ReasonNotReady: true}

// newWarnings returns the conditions of after that are False with a reason the user
// must act on and were not already False with the same reason and message in before:
// one Warning event each, so `kubectl describe` shows what to fix, once per problem.
func newWarnings(before, after []metav1.Condition) []metav1.Condition {
	var out []metav1.Condition
	for _, c := range after {
		if c.Status != metav1.ConditionFalse || transientReasons[c.Reason] {
			continue
		}
		seen := false
		for _, b := range before {
			if b.Type == c.Type && b.Status == c.Status && b.Reason == c.Reason && b.Message == c.Message {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, c)
		}
	}
	return out
}

// emitWarnings records the events of newWarnings on obj.
func emitWarnings(rec record.EventRecorder, obj runtime.Object, before, after []metav1.Condition) {
	for _, c := range newWarnings(before, after) {
		rec.Eventf(obj, corev1.EventTypeWarning, c.Type+c.Reason, "%s: %s", c.Type, c.Message)
	}
}
