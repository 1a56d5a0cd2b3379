package conditions

import (
	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestSetKeepsTransitionTimeWhenStatusUnchanged(t *testing.T) {
	var conds []metav1.Condition
	if !Set(&conds, True(v1alpha1.ConditionValid, v1alpha1.ReasonValid, "ok"), 1) {
		t.Fatal("first Set reported no change")
	}
	first := conds[0].LastTransitionTime
	if Set(&conds, True(v1alpha1.ConditionValid, v1alpha1.ReasonValid, "ok"), 1) {
		t.Fatal("identical Set reported a change")
	}
	if !Set(&conds, True(v1alpha1.ConditionValid, v1alpha1.ReasonValid, "ok"), 2) {
		t.Fatal("new generation not reported as a change")
	}
	if conds[0].LastTransitionTime != first {
		t.Fatal("transition time moved without a status change")
	}
	if !Set(&conds, False(v1alpha1.ConditionValid, v1alpha1.ReasonInvalid, "bad"), 2) || !IsFalse(conds, v1alpha1.ConditionValid) {
		t.Fatal("status change not applied")
	}
}

func TestDerive(t *testing.T) {
	rules := []Rule{
		{Type: v1alpha1.ConditionValid, Status: metav1.ConditionFalse, Phase: "Failed"},
		{Type: v1alpha1.ConditionGroupRefValidated, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonInvalid, Phase: "Failed"},
		{Type: v1alpha1.ConditionGroupRefValidated, Status: metav1.ConditionFalse, Phase: "Waiting"},
		{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Phase: "Ready"},
	}
	tests := map[string]struct {
		conds     []Spec
		wantPhase string
		wantMsg   string
	}{
		"no conditions":     {wantPhase: "Pending"},
		"invalid wins":      {conds: []Spec{False(v1alpha1.ConditionValid, v1alpha1.ReasonInvalid, "fix x"), True(v1alpha1.ConditionReady, v1alpha1.ReasonReady, "up")}, wantPhase: "Failed", wantMsg: "fix x"},
		"ready":             {conds: []Spec{True(v1alpha1.ConditionValid, v1alpha1.ReasonValid, ""), True(v1alpha1.ConditionReady, v1alpha1.ReasonReady, "up")}, wantPhase: "Ready", wantMsg: "up"},
		"valid not ready":   {conds: []Spec{True(v1alpha1.ConditionValid, v1alpha1.ReasonValid, ""), False(v1alpha1.ConditionReady, v1alpha1.ReasonNotReady, "waiting")}, wantPhase: "Pending"},
		"reason matches":    {conds: []Spec{False(v1alpha1.ConditionGroupRefValidated, v1alpha1.ReasonInvalid, "bad ref")}, wantPhase: "Failed", wantMsg: "bad ref"},
		"other reason":      {conds: []Spec{False(v1alpha1.ConditionGroupRefValidated, v1alpha1.ReasonNotFound, "no group")}, wantPhase: "Waiting", wantMsg: "no group"},
		"missing = unknown": {conds: []Spec{True(v1alpha1.ConditionReady, v1alpha1.ReasonReady, "up")}, wantPhase: "Ready", wantMsg: "up"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var conds []metav1.Condition
			for _, c := range tc.conds {
				Set(&conds, c, 1)
			}
			phase, msg := Derive(conds, rules, "Pending")
			if phase != tc.wantPhase || msg != tc.wantMsg {
				t.Fatalf("Derive = %q, %q; want %q, %q", phase, msg, tc.wantPhase, tc.wantMsg)
			}
		})
	}
}
