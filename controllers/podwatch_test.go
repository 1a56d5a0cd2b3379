package controllers

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// TestMCPServerPodProblemIsEventDriven: an MCP server pod that cannot pull its image is
// reported in Ready at once, because the pod is watched; before, a 15 s poll found it
// (and polled every not-ready server forever, also when nothing changed).
func TestMCPServerPodProblemIsEventDriven(t *testing.T) {
	requireEnv(t)
	ctx, ns, name := context.Background(), "servers", "pullfail"
	server := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "example.invalid/none:1", Transport: v1alpha1.TransportStdio}}
	if err := k8s.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, server) })
	eventually(t, "StatefulSet rendered", func() error { return get(ns, name, &appsv1.StatefulSet{}) })
	// envtest has no kubelet: the test plays it, with the labels the chart gives the pod.
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name + "-0", Namespace: ns, Labels: map[string]string{
		"toolhive": "true", render.LabelComponent: "mcp", render.LabelInstance: name, render.LabelName: name}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "mcp", Image: server.Spec.Image}}}}
	if err := k8s.Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, pod) })
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "mcp", Image: server.Spec.Image,
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: "not found"}}}}
	if err := k8s.Status().Update(ctx, pod); err != nil {
		t.Fatal(err)
	}
	// Well under the old 15 s poll: only a watch event can explain the condition in time.
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := &v1alpha1.MCPServer{}
		if err := get(ns, name, got); err != nil {
			t.Fatal(err)
		}
		c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
		if c != nil && c.Reason == v1alpha1.ReasonPodNotStarting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Ready is %+v 5s after the pod failed, want reason %s", c, v1alpha1.ReasonPodNotStarting)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
