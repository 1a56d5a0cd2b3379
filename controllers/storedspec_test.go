package controllers

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// setBackendReplicasMaximum edits the stored MCPServer CRD's bound on
// spec.backendReplicas in every version (nil = no bound, like an older release's CRD).
func setBackendReplicasMaximum(ctx context.Context, max any) error {
	crd := &unstructured.Unstructured{}
	crd.SetGroupVersionKind(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"})
	if err := k8s.Get(ctx, client.ObjectKey{Name: "mcpservers.toolhive.stacklok.dev"}, crd); err != nil {
		return err
	}
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	for _, v := range versions {
		field := []string{"schema", "openAPIV3Schema", "properties", "spec", "properties", "backendReplicas"}
		vm := v.(map[string]any)
		if max == nil {
			unstructured.RemoveNestedField(vm, append(field, "maximum")...)
		} else if err := unstructured.SetNestedField(vm, max, append(field, "maximum")...); err != nil {
			return err
		}
	}
	if err := unstructured.SetNestedSlice(crd.Object, versions, "spec", "versions"); err != nil {
		return err
	}
	return k8s.Update(ctx, crd)
}

// TestOutOfRangeIntegerDoesNotStopTheKind (issue 10 item 1): the schema refuses
// backendReplicas 2147483648; an object stored with it anyway (under an older CRD
// without the bound) is reported on itself while every other MCPServer reconciles.
func TestOutOfRangeIntegerDoesNotStopTheKind(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "harden-decode"
	startVMCPManager(t, ns)
	bad := func() *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "toolhive.stacklok.dev/v1alpha1", "kind": "MCPServer",
			"metadata": map[string]any{"name": "huge", "namespace": ns},
			"spec":     map[string]any{"image": "ghcr.io/example/s:1", "transport": "streamable-http", "mcpPort": int64(8080), "backendReplicas": int64(2147483648)},
		}}
		return u
	}
	t.Run("schema refuses it", func(t *testing.T) {
		err := k8s.Create(ctx, bad())
		if err == nil || !strings.Contains(err.Error(), "backendReplicas") {
			t.Fatalf("create with backendReplicas 2147483648: %v, want refused naming the field", err)
		}
	})
	// Store it the way an older release's CRD allowed, then restore the bound.
	if err := setBackendReplicasMaximum(ctx, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = setBackendReplicasMaximum(context.Background(), int64(2147483647)) })
	eventually(t, "store the out-of-range object", func() error { return k8s.Create(ctx, bad()) })
	if err := setBackendReplicasMaximum(ctx, int64(2147483647)); err != nil {
		t.Fatal(err)
	}
	good := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "fine", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/example/s:1"}}
	if err := k8s.Create(ctx, good); err != nil {
		t.Fatal(err)
	}
	t.Run("other objects of the kind still reconcile", func(t *testing.T) {
		eventually(t, "fine reconciled", func() error {
			got := &v1alpha1.MCPServer{}
			if err := get(ns, "fine", got); err != nil {
				return err
			}
			if got.Status.ObservedGeneration != got.Generation || got.Status.URL == "" {
				return errorf("fine not reconciled: %+v", got.Status)
			}
			return nil
		})
	})
	t.Run("the bad object says which field to fix", func(t *testing.T) {
		eventually(t, "huge reported", func() error {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(schema.GroupVersionKind{Group: "toolhive.stacklok.dev", Version: "v1alpha1", Kind: "MCPServer"})
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "huge"}, u); err != nil {
				return err
			}
			phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, c := range conds {
				cm := c.(map[string]any)
				if cm["type"] == condSpecValid && cm["status"] == "False" && strings.Contains(cm["message"].(string), "spec.backendReplicas: 2147483648") && phase == string(v1alpha1.PhaseFailed) {
					return nil
				}
			}
			return errorf("phase %q conditions %v", phase, conds)
		})
		events := &corev1.EventList{}
		eventually(t, "Warning event", func() error {
			if err := k8s.List(ctx, events, client.InNamespace(ns)); err != nil {
				return err
			}
			for _, e := range events.Items {
				if e.InvolvedObject.Name == "huge" && e.Type == corev1.EventTypeWarning && strings.Contains(e.Message, "backendReplicas") {
					return nil
				}
			}
			return errorf("no Warning event for huge")
		})
		// Nothing is rendered from a spec the operator could not read whole.
		if err := get(ns, "huge", &appsv1.Deployment{}); err == nil {
			t.Fatal("a Deployment was rendered for the undecodable object")
		}
	})
}
