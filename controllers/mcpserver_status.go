package controllers

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// setStdioReplicaCappedCondition reports that a stdio server asked for more than one
// backend replica and got one; it is removed otherwise.
func setStdioReplicaCappedCondition(conds *[]metav1.Condition, asked int32, capped bool, gen int64) {
	if !capped {
		conditions.Remove(conds, v1alpha1.ConditionStdioReplicaCapped)
		return
	}
	conditions.Set(conds, conditions.True(v1alpha1.ConditionStdioReplicaCapped, v1alpha1.ReasonCapped,
		fmt.Sprintf("spec.backendReplicas is %d but a stdio server runs one replica (its stdin cannot be shared); use transport streamable-http to scale", asked)), gen)
}

// podStartProblems are the kubelet's waiting reasons that do not resolve by waiting.
var podStartProblems = map[string]bool{
	"ErrImagePull": true, "ImagePullBackOff": true, "ErrImageNeverPull": true, "InvalidImageName": true,
	"CreateContainerConfigError": true, "CreateContainerError": true, "CrashLoopBackOff": true,
}

// podStartProblem says why a pod's containers cannot start ("" when nothing is known to
// be wrong): the image cannot be pulled, the container cannot be created, or it keeps crashing.
func podStartProblem(pod *corev1.Pod) string {
	for _, cs := range append(append([]corev1.ContainerStatus{}, pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...) {
		if w := cs.State.Waiting; w != nil && podStartProblems[w.Reason] {
			return fmt.Sprintf("MCP server pod %s: container %s (image %s) is %s: %s", pod.Name, cs.Name, cs.Image, w.Reason, w.Message)
		}
	}
	return ""
}

// setMCPServerReadyCondition derives Ready from the proxy Deployment and MCP StatefulSet,
// and from startProblem, what keeps the MCP server pod from starting (podStartProblem).
func setMCPServerReadyCondition(conds *[]metav1.Condition, deploy *appsv1.Deployment, sts *appsv1.StatefulSet, startProblem string, gen int64) {
	t := v1alpha1.ConditionReady
	switch {
	case startProblem != "":
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonPodNotStarting, startProblem), gen)
	case deploy == nil || sts == nil:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonPending, "waiting for the proxy Deployment and MCP StatefulSet to be created"), gen)
	case deploy.Status.ReadyReplicas < 1:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotReady, fmt.Sprintf("proxy Deployment %s has no ready replica", deploy.Name)), gen)
	case sts.Status.ReadyReplicas < 1:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotReady, fmt.Sprintf("MCP server pod %s-0 is not ready", sts.Name)), gen)
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonReady,
			fmt.Sprintf("%d proxy replica(s) and %d MCP server replica(s) ready", deploy.Status.ReadyReplicas, sts.Status.ReadyReplicas)), gen)
	}
}

// mcpServerPhaseRules: spec problems fail, a ready workload is Ready, anything else Pending.
var mcpServerPhaseRules = workloadPhaseRules()

// setMCPServerPhase derives phase and message from the conditions.
func setMCPServerPhase(s *v1alpha1.MCPServer) {
	phase, msg := conditions.Derive(s.Status.Conditions, mcpServerPhaseRules, string(v1alpha1.PhasePending))
	s.Status.Phase, s.Status.Message = v1alpha1.Phase(phase), msg
}
