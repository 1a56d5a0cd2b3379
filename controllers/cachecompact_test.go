package controllers

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// fresh returns a copy of s in its own memory, as a decoder would produce it.
func fresh(s string) string { return strings.Clone(s) }

func child(kind string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: fresh("s0001-" + kind), Namespace: fresh("bench"),
		Labels:      map[string]string{fresh("app.kubernetes.io/managed-by"): fresh("mcp-operator"), fresh("toolhive.stacklok.dev/owner-uid"): fresh("3f0c")},
		Annotations: map[string]string{fresh("toolhive.stacklok.dev/applied-hash"): fresh("abc")},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: fresh("toolhive.stacklok.dev/v1alpha1"), Kind: fresh("MCPServer"),
			Name: fresh("s0001"), UID: "3f0c", Controller: ptr.To(true)}},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "mcp-operator"}},
	}
}

func TestCompactMetadataKeepsContentAndSharesStrings(t *testing.T) {
	transform := compactMetadata()
	want := child("x")
	want.ManagedFields = nil
	var got []metav1.ObjectMeta
	for _, obj := range []any{&appsv1.Deployment{ObjectMeta: child("x")}, &corev1.ConfigMap{ObjectMeta: child("x")}} {
		out, err := transform(obj)
		if err != nil {
			t.Fatal(err)
		}
		var meta metav1.ObjectMeta
		switch o := out.(type) {
		case *appsv1.Deployment:
			meta = o.ObjectMeta
		case *corev1.ConfigMap:
			meta = o.ObjectMeta
		default:
			t.Fatalf("transform returned %T", out)
		}
		if d := cmp.Diff(want, meta); d != "" {
			t.Fatalf("metadata changed (-want +got):\n%s", d)
		}
		got = append(got, meta)
	}
	same := func(what, a, b string) {
		if unsafe.StringData(a) != unsafe.StringData(b) {
			t.Errorf("%s is not shared between the two objects", what)
		}
	}
	a, b := got[0], got[1]
	same("namespace", a.Namespace, b.Namespace)
	same("owner UID label", a.Labels["toolhive.stacklok.dev/owner-uid"], b.Labels["toolhive.stacklok.dev/owner-uid"])
	same("owner reference kind", a.OwnerReferences[0].Kind, b.OwnerReferences[0].Kind)
	same("owner reference UID", string(a.OwnerReferences[0].UID), string(b.OwnerReferences[0].UID))
	for k := range a.Labels {
		for k2 := range b.Labels {
			if k == k2 {
				same("label key "+k, k, k2)
			}
		}
	}
}

func TestCompactMetadataSharesEqualLabelSets(t *testing.T) {
	transform := compactMetadata()
	labels := func(component string) map[string]string {
		return map[string]string{fresh("app.kubernetes.io/instance"): fresh("s0001"), fresh("app.kubernetes.io/component"): fresh(component)}
	}
	deploy := func() *appsv1.Deployment {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "s0001", Labels: labels("mcpserver")}, Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels("proxy")},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels("proxy")}},
		}}
	}
	var out []*appsv1.Deployment
	for i := 0; i < 2; i++ {
		o, err := transform(deploy())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o.(*appsv1.Deployment))
	}
	svc, err := transform(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Labels: labels("other")}, Spec: corev1.ServiceSpec{Selector: labels("proxy")}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(deploy(), out[1]); d != "" {
		t.Fatalf("transform changed the Deployment (-want +got):\n%s", d)
	}
	shared := func(what string, a, b map[string]string) {
		t.Helper()
		if reflect.ValueOf(a).UnsafePointer() != reflect.ValueOf(b).UnsafePointer() {
			t.Errorf("%s: equal label sets are separate maps", what)
		}
	}
	shared("metadata labels of two objects", out[0].Labels, out[1].Labels)
	shared("selector and pod template", out[0].Spec.Selector.MatchLabels, out[1].Spec.Template.Labels)
	shared("Service selector and Deployment selector", svc.(*corev1.Service).Spec.Selector, out[0].Spec.Selector.MatchLabels)
	if reflect.ValueOf(out[0].Labels).UnsafePointer() == reflect.ValueOf(svc.(*corev1.Service).Labels).UnsafePointer() {
		t.Error("different label sets share a map")
	}
}
