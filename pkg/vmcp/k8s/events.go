package k8s

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

var resEvents = schema.GroupVersionResource{Version: "v1", Resource: "events"}

// newWarning reports whether c is a False condition that prev did not already
// report with the same reason and message: one Warning event per problem, as the
// operator does for its own conditions.
func newWarning(prev *metav1.Condition, c metav1.Condition) bool {
	if c.Status != metav1.ConditionFalse {
		return false
	}
	return prev == nil || prev.Status != c.Status || prev.Reason != c.Reason || prev.Message != c.Message
}

// recordWarning creates a Warning event on v for condition c (reason
// <Type><Reason>, message "<Type>: <message>", the operator's format), so
// `kubectl describe` shows it.
func recordWarning(ctx context.Context, dc dynamic.Interface, v *v1alpha1.VirtualMCPServer, c metav1.Condition, now time.Time) error {
	t := metav1.NewTime(now)
	ev := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", v.Name, now.UnixNano()), Namespace: v.Namespace},
		InvolvedObject: corev1.ObjectReference{APIVersion: v1alpha1.GroupVersion.String(), Kind: "VirtualMCPServer",
			Name: v.Name, Namespace: v.Namespace, UID: v.UID, ResourceVersion: v.ResourceVersion},
		Reason: c.Type + c.Reason, Message: c.Type + ": " + c.Message, Type: corev1.EventTypeWarning,
		Source: corev1.EventSource{Component: FieldManager}, FirstTimestamp: t, LastTimestamp: t, Count: 1,
	}
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ev)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{Object: obj}
	u.SetAPIVersion("v1")
	u.SetKind("Event")
	if _, err := dc.Resource(resEvents).Namespace(v.Namespace).Create(ctx, u, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("recording Warning event %s: %w", ev.Reason, err)
	}
	return nil
}
