package controllers

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestSetSemanticSearchCondition(t *testing.T) {
	ref := &v1alpha1.LocalObjectReference{Name: "emb"}
	ready := &v1alpha1.EmbeddingServer{Status: v1alpha1.EmbeddingServerStatus{URL: "http://emb:8080",
		Conditions: []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue}}}}
	notReady := &v1alpha1.EmbeddingServer{Status: v1alpha1.EmbeddingServerStatus{
		Conditions: []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse}}}}
	external := &config.Config{Optimizer: &config.Optimizer{EmbeddingService: "http://tei:8080"}}
	keywordOnly := &config.Config{Optimizer: &config.Optimizer{MaxToolsToReturn: ptrInt32(5)}}
	for name, c := range map[string]struct {
		spec   v1alpha1.VirtualMCPServerSpec
		emb    *v1alpha1.EmbeddingServer
		status metav1.ConditionStatus // "" means no condition
		reason string
	}{
		"ref missing":   {v1alpha1.VirtualMCPServerSpec{EmbeddingServerRef: ref}, nil, metav1.ConditionFalse, v1alpha1.ReasonNotFound},
		"ref not ready": {v1alpha1.VirtualMCPServerSpec{EmbeddingServerRef: ref}, notReady, metav1.ConditionFalse, v1alpha1.ReasonNotReady},
		"ref no status": {v1alpha1.VirtualMCPServerSpec{EmbeddingServerRef: ref}, &v1alpha1.EmbeddingServer{}, metav1.ConditionFalse, v1alpha1.ReasonNotReady},
		"ref ready":     {v1alpha1.VirtualMCPServerSpec{EmbeddingServerRef: ref}, ready, metav1.ConditionTrue, v1alpha1.ReasonReady},
		"external URL":  {v1alpha1.VirtualMCPServerSpec{Config: external}, nil, metav1.ConditionUnknown, v1alpha1.ReasonExternal},
		"keyword only":  {v1alpha1.VirtualMCPServerSpec{Config: keywordOnly}, nil, "", ""},
		"no optimizer":  {v1alpha1.VirtualMCPServerSpec{}, nil, "", ""},
	} {
		// Start from a stale condition: "no condition" must remove it.
		conds := []metav1.Condition{{Type: v1alpha1.ConditionSemanticSearchAvailable, Status: metav1.ConditionTrue, Reason: "Old"}}
		setSemanticSearchCondition(&conds, c.spec, c.emb, 1)
		got := conditions.Get(conds, v1alpha1.ConditionSemanticSearchAvailable)
		switch {
		case c.status == "" && got != nil:
			t.Errorf("%s: condition %+v, want none", name, got)
		case c.status != "" && (got == nil || got.Status != c.status || got.Reason != c.reason):
			t.Errorf("%s: condition %+v, want %s %s", name, got, c.status, c.reason)
		}
	}
}
