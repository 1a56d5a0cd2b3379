package controllers

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// setGroupMembers writes the member lists and counts and MCPServersChecked. When listing
// failed the previous lists are kept.
func setGroupMembers(st *v1alpha1.MCPGroupStatus, servers, proxies, entries []string, err error, gen int64) {
	t := v1alpha1.ConditionMCPServersChecked
	if err != nil {
		conditions.Set(&st.Conditions, conditions.False(t, v1alpha1.ReasonPending, "listing members failed: "+err.Error()), gen)
		return
	}
	st.Servers, st.ServerCount = servers, int32(len(servers))
	st.RemoteProxies, st.RemoteProxyCount = proxies, int32(len(proxies))
	st.Entries, st.EntryCount = entries, int32(len(entries))
	conditions.Set(&st.Conditions, conditions.True(t, v1alpha1.ReasonReady,
		fmt.Sprintf("%d server(s), %d remote proxy(ies), %d entry(ies)", len(servers), len(proxies), len(entries))), gen)
}

var groupPhaseRules = []conditions.Rule{
	{Type: v1alpha1.ConditionMCPServersChecked, Status: metav1.ConditionTrue, Phase: string(v1alpha1.PhaseReady)},
	{Type: v1alpha1.ConditionMCPServersChecked, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
}

// setGroupPhase derives the group's phase: Ready as soon as its members could be listed.
func setGroupPhase(g *v1alpha1.MCPGroup) {
	phase, _ := conditions.Derive(g.Status.Conditions, groupPhaseRules, string(v1alpha1.PhasePending))
	g.Status.Phase = v1alpha1.Phase(phase)
}
