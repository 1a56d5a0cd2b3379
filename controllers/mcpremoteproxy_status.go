package controllers

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/internal/ssrf"
)

// setRemoteURLCondition reports the SSRF check of remoteUrl (shared with MCPServerEntry).
func setRemoteURLCondition(conds *[]metav1.Condition, url string, err error, gen int64) {
	t := v1alpha1.ConditionRemoteURLValidated
	if err == nil {
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonValid, fmt.Sprintf("remoteUrl %s is allowed", url)), gen)
		return
	}
	reason := v1alpha1.ReasonInvalid
	if e, ok := err.(*ssrf.Error); ok {
		reason = e.Reason
	}
	conditions.Set(conds, conditions.False(t, reason, err.Error()), gen)
}

// setAuthConfiguredCondition reports whether outgoing auth could be resolved.
func setAuthConfiguredCondition(conds *[]metav1.Condition, ok bool, gen int64) {
	if ok {
		conditions.Set(conds, conditions.True(v1alpha1.ConditionAuthConfigured, v1alpha1.ReasonValid, "authentication is configured"), gen)
		return
	}
	conditions.Set(conds, conditions.False(v1alpha1.ConditionAuthConfigured, v1alpha1.ReasonNotFound, "the referenced MCPExternalAuthConfig is missing"), gen)
}

// setRemoteProxyReadyCondition derives Ready from the proxy Deployment.
func setRemoteProxyReadyCondition(conds *[]metav1.Condition, deploy *appsv1.Deployment, gen int64) {
	t := v1alpha1.ConditionReady
	switch {
	case deploy == nil:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonPending, "waiting for the proxy Deployment to be created"), gen)
	case deploy.Status.ReadyReplicas < 1:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotReady, fmt.Sprintf("proxy Deployment %s has no ready replica", deploy.Name)), gen)
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonReady, fmt.Sprintf("%d proxy replica(s) ready", deploy.Status.ReadyReplicas)), gen)
	}
}

// remoteProxyPhaseRules are the proxy workload rules with a refused remoteUrl failing too.
var remoteProxyPhaseRules = workloadPhaseRules(
	conditions.Rule{Type: v1alpha1.ConditionRemoteURLValidated, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)})

// setRemoteProxyPhase derives phase and message from the conditions.
func setRemoteProxyPhase(p *v1alpha1.MCPRemoteProxy) {
	phase, msg := conditions.Derive(p.Status.Conditions, remoteProxyPhaseRules, string(v1alpha1.PhasePending))
	p.Status.Phase, p.Status.Message = v1alpha1.Phase(phase), msg
}
