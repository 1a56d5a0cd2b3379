package controllers

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/mcp-operator/mcp-operator/internal/render"
)

// RestartedAtAnnotation on an MCPServer restarts its pods when its value changes.
const RestartedAtAnnotation = "mcpserver.toolhive.stacklok.dev/restarted-at"

// gvks returns the GroupVersionKinds of built-in objects.
func gvks(objs ...client.Object) []schema.GroupVersionKind {
	out := make([]schema.GroupVersionKind, 0, len(objs))
	for _, o := range objs {
		gvk, err := apiutil.GVKForObject(o, scheme.Scheme)
		if err != nil {
			panic(err)
		}
		out = append(out, gvk)
	}
	return out
}

// paused reports whether the resource carries PauseAnnotation=true.
func paused(o client.Object) bool {
	return strings.EqualFold(o.GetAnnotations()[PauseAnnotation], "true")
}

// specOrMetadataChanged passes spec changes, annotation changes (restart, pause) and label
// changes, but not status-only updates, which the reconciler itself causes.
func specOrMetadataChanged() predicate.Predicate {
	return predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}, predicate.LabelChangedPredicate{})
}

// existenceChanged passes creates and deletes only: referrers care whether the object
// exists, and status updates of a busy group must not fan out to all its members.
func existenceChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(event.UpdateEvent) bool { return false }}
}

// renderWorkload renders kind gk's chart for owner with values and merges the user's
// podTemplateSpec (nil: none) into the workload object workloadKind/<owner name>. A
// render failure is err; a merge failure is mergeErr, a user error each kind reports in
// its own pod template condition.
func (o *Options) renderWorkload(gk schema.GroupKind, owner client.Object, values any, workloadKind string, podTemplate *runtime.RawExtension) (objs []*unstructured.Unstructured, mergeErr, err error) {
	objs, err = o.Renderer.Render(gk, render.Release{Name: owner.GetName(), Namespace: owner.GetNamespace()}, values)
	if err != nil {
		return nil, nil, err
	}
	var patch []byte
	if podTemplate != nil {
		patch = podTemplate.Raw
	}
	return objs, render.MergePodTemplate(render.Find(objs, workloadKind, owner.GetName()), patch), nil
}

// notCreated drops a child's creation: the reconcile that created it read its state from
// the API server's answer (render.Result.Live), so only later changes and its deletion
// need a reconcile. Without it every new resource is reconciled twice.
func notCreated() predicate.Predicate {
	return predicate.Funcs{CreateFunc: func(event.CreateEvent) bool { return false }}
}

// liveAs sets *out to the live object kind/name of an apply result (nil when the apply
// did not return it).
func liveAs[T any, PT interface {
	*T
	client.Object
}](res render.Result, kind, name string, out *PT) error {
	o := res.Find(kind, name)
	if o == nil {
		*out = nil
		return nil
	}
	typed, ok := o.(PT)
	if !ok {
		return fmt.Errorf("read applied %s %s: it is a %T", kind, name, o)
	}
	*out = typed
	return nil
}
