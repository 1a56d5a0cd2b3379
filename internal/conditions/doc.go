// Package conditions is the one place where controllers set status conditions and
// derive a phase from them. Setters here are pure (they only touch the slice they are
// given), so each kind's `setXxxCondition` functions can be table-tested without a cluster.
//
// Typical use in a reconciler's status file:
//
//	conditions.Set(&obj.Status.Conditions, conditions.True(v1alpha1.ConditionGroupRefValidated, v1alpha1.ReasonValid, "group g is ready"), obj.Generation)
//	phase := conditions.Derive(obj.Status.Conditions, rules, defaultPhase)
package conditions
