package controllers

import (
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// condSpecValid reports whether the stored spec could be decoded whole; False when it
// holds values its types cannot take (see v1alpha1.DecodeProblemAnnotation).
const condSpecValid = "SpecValid"

// checkStoredSpec refuses an object whose stored spec had undecodable values: it is
// not rendered (acting on the rest would change what the user asked for), a condition
// and its Warning event (emitWarnings) name the fields, and a retry cannot help (terminal error).
func checkStoredSpec(obj client.Object, conds *[]metav1.Condition) error {
	problem := v1alpha1.DecodeProblem(obj)
	if problem == "" {
		conditions.Remove(conds, condSpecValid)
		return nil
	}
	msg := "the stored spec cannot be used: " + problem + "; correct these fields (kubectl edit or apply)"
	conditions.Set(conds, conditions.False(condSpecValid, v1alpha1.ReasonInvalid, msg), obj.GetGeneration())
	return reconcile.TerminalError(errors.New(msg))
}
