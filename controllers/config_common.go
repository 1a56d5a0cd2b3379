package controllers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// ConfigFinalizer keeps an MCPToolConfig or MCPExternalAuthConfig while a workload references it.
const ConfigFinalizer = "toolhive.stacklok.dev/config-in-use"

// CondDeletionBlocked says a config's deletion waits for its referrers to go.
const CondDeletionBlocked = "DeletionBlocked"

// referrerKind is a kind that references configs through a field index.
type referrerKind struct {
	kind string
	list func() client.ObjectList
}

// referrer is one object referencing a config.
type referrer struct{ kind, name string }

func (r referrer) String() string { return r.kind + " " + r.name }

// listReferrers returns every object of kinds in ns whose field index names name, sorted.
func listReferrers(ctx context.Context, c client.Reader, ns, name, field string, kinds []referrerKind) ([]referrer, error) {
	var out []referrer
	for _, k := range kinds {
		names, err := referrers(ctx, c, k.list(), ns, field, name)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			out = append(out, referrer{k.kind, n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// referrerNames returns the names for status.referencingServers.
func referrerNames(refs []referrer) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.name)
	}
	return out
}

// describeReferrers lists referrers for messages: "MCPServer a, MCPRemoteProxy b".
func describeReferrers(refs []referrer) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// setDeletionBlockedCondition reports who blocks deletion; it is removed when nobody does.
func setDeletionBlockedCondition(conds *[]metav1.Condition, kind string, refs []referrer, gen int64) {
	if len(refs) == 0 {
		conditions.Remove(conds, CondDeletionBlocked)
		return
	}
	conditions.Set(conds, conditions.True(CondDeletionBlocked, "InUse",
		fmt.Sprintf("this %s is still referenced by %s; remove those references to finish deleting it", kind, describeReferrers(refs))), gen)
}

// guardDeletion implements the in-use finalizer for obj: while obj lives it makes sure the
// finalizer is present; when obj is being deleted it removes the finalizer once refs is
// empty, or emits a warning naming the referrers. It reports whether obj is being deleted.
func guardDeletion(ctx context.Context, c client.Client, rec record.EventRecorder, obj client.Object, kind string, refs []referrer) (bool, error) {
	deleting := !obj.GetDeletionTimestamp().IsZero()
	switch {
	case !deleting && !controllerutil.ContainsFinalizer(obj, ConfigFinalizer):
		before := obj.DeepCopyObject().(client.Object)
		controllerutil.AddFinalizer(obj, ConfigFinalizer)
		return false, c.Patch(ctx, obj, client.MergeFrom(before))
	case deleting && len(refs) > 0:
		rec.Eventf(obj, corev1.EventTypeWarning, CondDeletionBlocked, "Deletion waits: still referenced by %s", describeReferrers(refs))
		return true, nil
	case deleting && controllerutil.ContainsFinalizer(obj, ConfigFinalizer):
		before := obj.DeepCopyObject().(client.Object)
		controllerutil.RemoveFinalizer(obj, ConfigFinalizer)
		return true, client.IgnoreNotFound(c.Patch(ctx, obj, client.MergeFrom(before)))
	}
	return deleting, nil
}

// refChanged passes creates, deletes and updates that change what ref(obj) names.
func refChanged(ref func(client.Object) string) predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool { return ref(e.ObjectOld) != ref(e.ObjectNew) }}
}

// toolConfigRefOf returns the MCPToolConfig a workload references.
func toolConfigRefOf(o client.Object) string {
	switch w := o.(type) {
	case *v1alpha1.MCPServer:
		return refName(w.Spec.ToolConfigRef)
	case *v1alpha1.MCPRemoteProxy:
		return refName(w.Spec.ToolConfigRef)
	}
	return ""
}

// externalAuthRefOf returns the MCPExternalAuthConfig a workload or entry references.
func externalAuthRefOf(o client.Object) string {
	switch w := o.(type) {
	case *v1alpha1.MCPServer:
		return refName(w.Spec.ExternalAuthConfigRef)
	case *v1alpha1.MCPRemoteProxy:
		return refName(w.Spec.ExternalAuthConfigRef)
	case *v1alpha1.MCPServerEntry:
		return refName(w.Spec.ExternalAuthConfigRef)
	}
	return ""
}
