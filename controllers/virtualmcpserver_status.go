package controllers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// VMCPStatusFieldManager is the server-side apply field manager of the
// VirtualMCPServer controller's status fields. vmcp writes status.runtime and the
// ToolsAggregated condition under its own manager (pkg/vmcp/k8s), so neither writer
// can clobber the other's fields, and the conditions list (a map keyed by type) is
// shared entry by entry; virtualmcpserver_backends.go says who owns what.
const VMCPStatusFieldManager = "virtualmcpserver-controller"

// setVMCPGroupCondition reports whether the group exists and is Ready; in inline
// mode (static backends, no group) the condition is removed.
func setVMCPGroupCondition(conds *[]metav1.Condition, ref *v1alpha1.GroupRef, group *v1alpha1.MCPGroup, gen int64) bool {
	t := v1alpha1.ConditionGroupRefValidated
	switch {
	case ref == nil:
		conditions.Remove(conds, t)
		return true
	case ref.Problem() != "":
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonInvalid, "spec.groupRef: "+ref.Problem()), gen)
	case group == nil:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotFound,
			fmt.Sprintf("MCPGroup %q not found in this namespace; create it or fix spec.groupRef", ref.Name)), gen)
	case group.Status.Phase != v1alpha1.PhaseReady:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotReady,
			fmt.Sprintf("MCPGroup %q is not Ready yet (phase %q)", ref.Name, group.Status.Phase)), gen)
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonValid, fmt.Sprintf("MCPGroup %q is Ready", ref.Name)), gen)
		return true
	}
	return false
}

// setProblemsCondition sets condition t True with okMsg, or False listing problems
// (reason NotFound when every problem is a missing object, else Invalid).
func setProblemsCondition(conds *[]metav1.Condition, t string, problems []string, okMsg string, gen int64) bool {
	if len(problems) == 0 {
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonValid, okMsg), gen)
		return true
	}
	reason := v1alpha1.ReasonNotFound
	for _, p := range problems {
		if !strings.Contains(p, "not found") {
			reason = v1alpha1.ReasonInvalid
		}
	}
	conditions.Set(conds, conditions.False(t, reason, strings.Join(problems, "; ")), gen)
	return false
}

// setVMCPPodTemplateCondition reports whether spec.podTemplateSpec could be merged.
func setVMCPPodTemplateCondition(conds *[]metav1.Condition, err error, gen int64) {
	if err != nil {
		conditions.Set(conds, conditions.False(v1alpha1.ConditionPodTemplateSpecValid, v1alpha1.ReasonInvalid,
			"spec.podTemplateSpec: "+err.Error()), gen)
		return
	}
	conditions.Set(conds, conditions.True(v1alpha1.ConditionPodTemplateSpecValid, v1alpha1.ReasonValid, "pod template is valid"), gen)
}

// setVMCPReadyCondition reports whether the vmcp Deployment is available. A group
// without usable members keeps it False: there is nothing to serve yet.
func setVMCPReadyCondition(conds *[]metav1.Condition, deploy *appsv1.Deployment, groupMode bool, usable int, groupName string, gen int64) {
	t := v1alpha1.ConditionReady
	switch {
	case groupMode && usable == 0:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNoBackends, fmt.Sprintf(
			"MCPGroup %q has no usable MCPServers, MCPRemoteProxies or MCPServerEntries; set spec.groupRef: {name: %s} on a backend", groupName, groupName)), gen)
	case deploy == nil:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonPending, "the vmcp Deployment does not exist yet"), gen)
	case !deploymentAvailable(deploy):
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotReady, fmt.Sprintf(
			"Deployment %s has %d/%d available replicas; see its pods' events and the vmcp logs", deploy.Name, deploy.Status.AvailableReplicas, replicasOf(deploy))), gen)
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonReady, fmt.Sprintf("Deployment %s is available", deploy.Name)), gen)
	}
}

// deploymentAvailable: the Deployment controller saw the current generation and
// reports it Available (a Deployment scaled to 0 counts as available).
func deploymentAvailable(d *appsv1.Deployment) bool {
	if d.Status.ObservedGeneration < d.Generation {
		return false
	}
	if replicasOf(d) == 0 {
		return true
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable {
			return c.Status == "True" && d.Status.AvailableReplicas > 0
		}
	}
	return false
}

func replicasOf(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// vmcpSpecPhaseRules: a spec that cannot work as written is Failed (the message says what
// to fix), an invalid groupRef too; a group that does not exist yet leaves it Pending.
var vmcpSpecPhaseRules = []conditions.Rule{
	{Type: v1alpha1.ConditionValid, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionAuthConfigured, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionCompositeToolRefsValidated, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionPodTemplateSpecValid, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionToolsAggregated, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionGroupRefValidated, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonInvalid, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionGroupRefValidated, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhasePending)},
}

// vmcpConditions are written by the running vmcp (field manager vmcp), never by this controller.
var vmcpConditions = map[string]bool{v1alpha1.ConditionToolsAggregated: true}

// unhealthy reports whether a backend's reported health stops it from serving.
func unhealthy(s v1alpha1.BackendHealth) bool {
	return s == v1alpha1.BackendDegraded || s == v1alpha1.BackendUnavailable || s == v1alpha1.BackendUnauthenticated
}

// vmcpPhase derives the phase and message from the conditions and the backends vmcp
// reported, in this order: an unusable spec is Failed; a missing or not-ready group
// is Pending (an invalid groupRef is Failed); unhealthy backends make it Degraded
// (all of them, or some: with best_effort the healthy ones are still served); a
// Deployment that is not available (or a group without backends) is Pending;
// otherwise Ready.
func vmcpPhase(st *v1alpha1.VirtualMCPServerStatus, bestEffort bool, leftOut map[string]bool) (v1alpha1.Phase, string) {
	if phase, msg := conditions.Derive(st.Conditions, vmcpSpecPhaseRules, ""); phase != "" {
		return v1alpha1.Phase(phase), msg
	}
	var served []v1alpha1.DiscoveredBackend
	for _, b := range st.DiscoveredBackends {
		if !leftOut[b.Name] {
			served = append(served, b)
		}
	}
	if phase, msg := backendsPhase(served, bestEffort); phase != "" {
		return phase, msg
	}
	if c := conditions.Get(st.Conditions, v1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
		msg := "waiting for the vmcp Deployment"
		if c != nil {
			msg = c.Message
		}
		return v1alpha1.PhasePending, msg
	}
	return v1alpha1.PhaseReady, fmt.Sprintf("serving at %s", st.URL)
}

// backendsPhase is Degraded while vmcp reports unhealthy backends ("" when all are
// healthy): the one phase input that is not a condition.
func backendsPhase(backends []v1alpha1.DiscoveredBackend, bestEffort bool) (v1alpha1.Phase, string) {
	var bad []string
	for _, b := range backends {
		if unhealthy(b.Status) {
			bad = append(bad, fmt.Sprintf("%s (%s)", b.Name, b.Status))
		}
	}
	sort.Strings(bad)
	switch {
	case len(bad) == 0:
		return "", ""
	case len(bad) == len(backends):
		return v1alpha1.PhaseDegraded, fmt.Sprintf("every backend is unhealthy: %s; see status.discoveredBackends", strings.Join(bad, ", "))
	case bestEffort:
		return v1alpha1.PhaseDegraded, fmt.Sprintf("serving the healthy backends (partialFailureMode best_effort); unhealthy: %s", strings.Join(bad, ", "))
	default:
		return v1alpha1.PhaseDegraded, fmt.Sprintf("unhealthy backends: %s; partialFailureMode fail refuses clients until they recover (set best_effort to serve the healthy ones)", strings.Join(bad, ", "))
	}
}

// controllerStatus is the part of the status this controller owns.
type controllerStatus struct {
	Phase              v1alpha1.Phase
	Message            string
	URL                string
	ObservedGeneration int64
	Conditions         []metav1.Condition
	DiscoveredBackends []v1alpha1.DiscoveredBackend
	BackendCount       int32
	// Hashes of the shared configs in effect: oidcConfigHash, authzConfigHash,
	// telemetryConfigHash (empty ones are left out).
	Hashes map[string]string
}

// ownStatus extracts the controller-owned fields (every condition but vmcpConditions).
func ownStatus(st *v1alpha1.VirtualMCPServerStatus) controllerStatus {
	out := controllerStatus{Phase: st.Phase, Message: st.Message, URL: st.URL, ObservedGeneration: st.ObservedGeneration,
		DiscoveredBackends: st.DiscoveredBackends, BackendCount: st.BackendCount,
		Hashes: map[string]string{"oidcConfigHash": st.OIDCConfigHash, "authzConfigHash": st.AuthzConfigHash, "telemetryConfigHash": st.TelemetryConfigHash}}
	for _, c := range st.Conditions {
		if !vmcpConditions[c.Type] {
			out.Conditions = append(out.Conditions, c)
		}
	}
	return out
}

// applyVMCPStatus server-side applies the controller-owned status fields when they
// changed; status.runtime and ToolsAggregated are left to vmcp.
func applyVMCPStatus(ctx context.Context, c client.Client, v *v1alpha1.VirtualMCPServer, before, after controllerStatus) error {
	if equality.Semantic.DeepEqual(before, after) {
		return nil
	}
	conds, err := toUnstructuredList(after.Conditions)
	if err != nil {
		return err
	}
	backends, err := toUnstructuredList(after.DiscoveredBackends)
	if err != nil {
		return err
	}
	status := map[string]any{"phase": string(after.Phase), "url": after.URL, "conditions": conds,
		"discoveredBackends": backends, "backendCount": int64(after.BackendCount)}
	if after.Message != "" {
		status["message"] = after.Message
	}
	if after.ObservedGeneration != 0 {
		status["observedGeneration"] = after.ObservedGeneration
	}
	for k, h := range after.Hashes {
		if h != "" {
			status[k] = h
		}
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(), "kind": "VirtualMCPServer",
		"metadata": map[string]any{"name": v.Name, "namespace": v.Namespace},
		"status":   status,
	}}
	err = c.Status().Patch(ctx, u, client.Apply, client.FieldOwner(VMCPStatusFieldManager), client.ForceOwnership)
	return client.IgnoreNotFound(err)
}

// toUnstructuredList converts typed list items into apply-document items.
func toUnstructuredList[T any](items []T) ([]any, error) {
	out := make([]any, 0, len(items))
	for i := range items {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// backendReportChanged passes updates in which vmcp changed what it reports (health
// per backend, its first report, ToolsAggregated), so the discovered backends and the
// phase follow, and a report that arrives after the previous one had turned stale
// (nothing else would bring the reconcile back). A renewed heartbeat alone does not
// count: the requeue at the moment a report turns stale looks at it.
func backendReportChanged() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, ok1 := e.ObjectOld.(*v1alpha1.VirtualMCPServer)
			n, ok2 := e.ObjectNew.(*v1alpha1.VirtualMCPServer)
			return ok1 && ok2 && (backendReport(&o.Status) != backendReport(&n.Status) || staleReportRenewed(o, n, time.Now()))
		},
	}
}

func backendReport(st *v1alpha1.VirtualMCPServerStatus) string {
	var b strings.Builder
	if rt := st.Runtime; rt != nil {
		fmt.Fprintf(&b, "reported=%v;", rt.LastReportTime != nil)
		for _, d := range rt.DiscoveredBackends {
			fmt.Fprintf(&b, "%s=%s/%s/%s;", d.Name, d.Status, d.CircuitBreakerState, d.Message)
		}
	}
	if c := conditions.Get(st.Conditions, v1alpha1.ConditionToolsAggregated); c != nil {
		fmt.Fprintf(&b, "|%s/%s", c.Status, c.Reason)
	}
	return b.String()
}

// staleReportRenewed: n carries a new heartbeat and o's had turned stale by now.
func staleReportRenewed(o, n *v1alpha1.VirtualMCPServer, now time.Time) bool {
	if n.Status.Runtime == nil || n.Status.Runtime.LastReportTime == nil {
		return false
	}
	if o.Status.Runtime == nil || o.Status.Runtime.LastReportTime == nil {
		return true
	}
	old := o.Status.Runtime.LastReportTime.Time
	return !old.Equal(n.Status.Runtime.LastReportTime.Time) && now.Sub(old) > config.HealthReportStaleAfter(n.EffectiveOperational())
}
