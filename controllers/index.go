package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// Field index names. Each indexes the referenced object's name (normalised: the legacy
// string groupRef and the object form index the same value).
const (
	// IndexGroupRef indexes MCPServer, MCPRemoteProxy and MCPServerEntry by group name.
	IndexGroupRef = "spec.groupRef.name"
	// IndexToolConfigRef indexes MCPServer and MCPRemoteProxy by MCPToolConfig name.
	IndexToolConfigRef = "spec.toolConfigRef.name"
	// IndexExternalAuthConfigRef indexes MCPServer, MCPRemoteProxy and MCPServerEntry by
	// MCPExternalAuthConfig name.
	IndexExternalAuthConfigRef = "spec.externalAuthConfigRef.name"
)

// refName returns a LocalObjectReference's name or "".
func refName(r *v1alpha1.LocalObjectReference) string {
	if r == nil {
		return ""
	}
	return r.Name
}

// values wraps a possibly empty name as an index value list.
func values(name string) []string {
	if name == "" {
		return nil
	}
	return []string{name}
}

// index is one field index registration.
type index struct {
	obj   client.Object
	field string
	fn    client.IndexerFunc
}

// indexes lists every field index the reconcilers use. Another kind that references a
// group or config (e.g. VirtualMCPServer) adds its own entries with the same field names.
func indexes() []index {
	return []index{
		{&v1alpha1.MCPServer{}, IndexGroupRef, func(o client.Object) []string { return values(o.(*v1alpha1.MCPServer).GroupName()) }},
		{&v1alpha1.MCPRemoteProxy{}, IndexGroupRef, func(o client.Object) []string { return values(o.(*v1alpha1.MCPRemoteProxy).GroupName()) }},
		{&v1alpha1.MCPServerEntry{}, IndexGroupRef, func(o client.Object) []string { return values(o.(*v1alpha1.MCPServerEntry).GroupName()) }},
		{&v1alpha1.MCPServer{}, IndexToolConfigRef, func(o client.Object) []string {
			return values(refName(o.(*v1alpha1.MCPServer).Spec.ToolConfigRef))
		}},
		{&v1alpha1.MCPRemoteProxy{}, IndexToolConfigRef, func(o client.Object) []string {
			return values(refName(o.(*v1alpha1.MCPRemoteProxy).Spec.ToolConfigRef))
		}},
		{&v1alpha1.MCPServer{}, IndexExternalAuthConfigRef, func(o client.Object) []string {
			return values(refName(o.(*v1alpha1.MCPServer).Spec.ExternalAuthConfigRef))
		}},
		{&v1alpha1.MCPRemoteProxy{}, IndexExternalAuthConfigRef, func(o client.Object) []string {
			return values(refName(o.(*v1alpha1.MCPRemoteProxy).Spec.ExternalAuthConfigRef))
		}},
		{&v1alpha1.MCPServerEntry{}, IndexExternalAuthConfigRef, func(o client.Object) []string {
			return values(refName(o.(*v1alpha1.MCPServerEntry).Spec.ExternalAuthConfigRef))
		}},
	}
}

// SetupIndexes registers every field index with the manager's cache.
func SetupIndexes(ctx context.Context, mgr ctrl.Manager) error {
	for _, ix := range append(append(append(indexes(), vmcpIndexes()...), sharedConfigIndexes()...), append(telemetryIndexes(), webhookIndexes()...)...) {
		if err := mgr.GetFieldIndexer().IndexField(ctx, ix.obj, ix.field, ix.fn); err != nil {
			return fmt.Errorf("index %T by %s: %w", ix.obj, ix.field, err)
		}
	}
	return nil
}

// referrers lists the names of objects of list's kind in ns whose field index equals name.
func referrers(ctx context.Context, c client.Reader, list client.ObjectList, ns, field, name string) ([]string, error) {
	if err := c.List(ctx, list, client.InNamespace(ns), client.MatchingFields{field: name}); err != nil {
		return nil, fmt.Errorf("list %T by %s=%s: %w", list, field, name, err)
	}
	var out []string
	items, err := listNames(list)
	if err != nil {
		return nil, err
	}
	out = append(out, items...)
	return out, nil
}

// mapByIndex returns a handler that, for a changed object (a group or a config), enqueues
// every object of newList's kind in its namespace whose field index names it.
func mapByIndex(c client.Reader, newList func() client.ObjectList, field string) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, obj client.Object) []reconcile.Request {
		names, err := referrers(ctx, c, newList(), obj.GetNamespace(), field, obj.GetName())
		if err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Listing referrers failed", "field", field, "name", obj.GetName())
			return nil
		}
		reqs := make([]reconcile.Request, 0, len(names))
		for _, n := range names {
			reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: n}})
		}
		return reqs
	})
}

// mapToRef returns a handler that enqueues the object named by ref(obj) in obj's namespace
// (e.g. a member's group). Updates enqueue for both the old and the new object, so a
// reference that moves notifies both sides.
func mapToRef(ref func(client.Object) string) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(_ context.Context, obj client.Object) []reconcile.Request {
		name := ref(obj)
		if name == "" {
			return nil
		}
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: name}}}
	})
}
