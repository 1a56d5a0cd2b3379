package controllers

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

func cond(t string, s metav1.ConditionStatus, reason, msg string) metav1.Condition {
	return metav1.Condition{Type: t, Status: s, Reason: reason, Message: msg}
}

func TestVMCPPhase(t *testing.T) {
	ok := func(types ...string) []metav1.Condition {
		var out []metav1.Condition
		for _, ty := range types {
			out = append(out, cond(ty, metav1.ConditionTrue, "Valid", "ok"))
		}
		return out
	}
	all := ok(v1alpha1.ConditionValid, v1alpha1.ConditionAuthConfigured, v1alpha1.ConditionCompositeToolRefsValidated,
		v1alpha1.ConditionPodTemplateSpecValid, v1alpha1.ConditionGroupRefValidated, v1alpha1.ConditionReady)
	with := func(c metav1.Condition) []metav1.Condition {
		out := append([]metav1.Condition{}, all...)
		for i := range out {
			if out[i].Type == c.Type {
				out[i] = c
			}
		}
		return out
	}
	backends := func(s ...v1alpha1.BackendHealth) []v1alpha1.DiscoveredBackend {
		var out []v1alpha1.DiscoveredBackend
		for i, h := range s {
			out = append(out, v1alpha1.DiscoveredBackend{Name: string(rune('a' + i)), Status: h})
		}
		return out
	}
	tests := map[string]struct {
		conds      []metav1.Condition
		backends   []v1alpha1.DiscoveredBackend
		bestEffort bool
		leftOut    map[string]bool
		want       v1alpha1.Phase
		inMessage  string
	}{
		"everything fine":            {conds: all, backends: backends(v1alpha1.BackendReady), want: v1alpha1.PhaseReady},
		"no conditions yet":          {want: v1alpha1.PhasePending, inMessage: "waiting"},
		"group missing":              {conds: with(cond(v1alpha1.ConditionGroupRefValidated, metav1.ConditionFalse, v1alpha1.ReasonNotFound, "MCPGroup \"g\" not found")), want: v1alpha1.PhasePending, inMessage: "not found"},
		"groupRef malformed":         {conds: with(cond(v1alpha1.ConditionGroupRefValidated, metav1.ConditionFalse, v1alpha1.ReasonInvalid, "groupRef must be")), want: v1alpha1.PhaseFailed},
		"bad config":                 {conds: with(cond(v1alpha1.ConditionValid, metav1.ConditionFalse, v1alpha1.ReasonInvalid, "priorityOrder required")), want: v1alpha1.PhaseFailed, inMessage: "priorityOrder"},
		"auth config missing":        {conds: with(cond(v1alpha1.ConditionAuthConfigured, metav1.ConditionFalse, v1alpha1.ReasonNotFound, "x")), want: v1alpha1.PhaseFailed},
		"composite ref missing":      {conds: with(cond(v1alpha1.ConditionCompositeToolRefsValidated, metav1.ConditionFalse, v1alpha1.ReasonNotFound, "x")), want: v1alpha1.PhaseFailed},
		"pod template invalid":       {conds: with(cond(v1alpha1.ConditionPodTemplateSpecValid, metav1.ConditionFalse, v1alpha1.ReasonInvalid, "x")), want: v1alpha1.PhaseFailed},
		"failed beats degraded":      {conds: with(cond(v1alpha1.ConditionValid, metav1.ConditionFalse, v1alpha1.ReasonInvalid, "x")), backends: backends(v1alpha1.BackendUnavailable), want: v1alpha1.PhaseFailed},
		"deployment not available":   {conds: with(cond(v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonNotReady, "0/1 available")), want: v1alpha1.PhasePending, inMessage: "0/1"},
		"every backend unhealthy":    {conds: all, backends: backends(v1alpha1.BackendUnavailable, v1alpha1.BackendUnauthenticated), want: v1alpha1.PhaseDegraded, inMessage: "every backend"},
		"some unhealthy best_effort": {conds: all, backends: backends(v1alpha1.BackendReady, v1alpha1.BackendUnavailable), bestEffort: true, want: v1alpha1.PhaseDegraded, inMessage: "best_effort"},
		"some unhealthy fail":        {conds: all, backends: backends(v1alpha1.BackendReady, v1alpha1.BackendDegraded), want: v1alpha1.PhaseDegraded, inMessage: "refuses clients"},
		"unknown is not unhealthy":   {conds: all, backends: backends(v1alpha1.BackendReady, v1alpha1.BackendUnknown), want: v1alpha1.PhaseReady},
		// A member left out (its auth config is missing) is reported by BackendAuthResolved;
		// it is not a served backend whose health degrades the gateway.
		"left out is not unhealthy": {conds: all, backends: backends(v1alpha1.BackendReady, v1alpha1.BackendUnavailable), leftOut: map[string]bool{"b": true}, want: v1alpha1.PhaseReady},
		"degraded even when the Deployment is unready (fail mode fails readiness)": {
			conds: with(cond(v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonNotReady, "0/1")), backends: backends(v1alpha1.BackendUnavailable, v1alpha1.BackendReady), want: v1alpha1.PhaseDegraded},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			st := &v1alpha1.VirtualMCPServerStatus{Conditions: tc.conds, DiscoveredBackends: tc.backends, URL: "http://u"}
			got, msg := vmcpPhase(st, tc.bestEffort, tc.leftOut)
			if got != tc.want || !strings.Contains(msg, tc.inMessage) {
				t.Fatalf("phase %s %q, want %s containing %q", got, msg, tc.want, tc.inMessage)
			}
		})
	}
}

func TestDeploymentAvailable(t *testing.T) {
	one := int32(1)
	tests := map[string]struct {
		d    appsv1.Deployment
		want bool
	}{
		"available": {d: appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Spec: appsv1.DeploymentSpec{Replicas: &one},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 2, AvailableReplicas: 1, Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: "True"}}}}, want: true},
		"stale generation": {d: appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 3}, Spec: appsv1.DeploymentSpec{Replicas: &one},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 2, AvailableReplicas: 1, Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: "True"}}}}},
		"no status": {d: appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: &one}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := deploymentAvailable(&tc.d); got != tc.want {
				t.Fatalf("got %v", got)
			}
		})
	}
}
