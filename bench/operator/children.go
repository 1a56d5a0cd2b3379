package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/render"
)

// childWatch counts the operator's children in the bench namespace from metadata-only
// watches. It replaced a poll that listed every child object in full every 200 ms: at
// 5,000 MCPServers each poll made the API server encode (and the bench decode) 45,000
// objects, so the observer's own load grew with n times the run's length and took CPU
// from the API server and the manager being measured. A watch costs one small event per
// object created.
type childWatch struct {
	kinds  []childKind
	cancel context.CancelFunc
}

// childKind is one watched resource and how many of it to expect per MCPServer.
type childKind struct {
	gvr       schema.GroupVersionResource
	perServer int
	count     *atomic.Int64
}

// watchChildren starts one metadata informer per child kind of the mcpserver chart,
// selecting what the operator manages in namespace ns, and waits for their first list.
func watchChildren(ctx context.Context, cfg *rest.Config, ns string) (*childWatch, error) {
	mc, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("metadata client: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	sel := labels.SelectorFromSet(render.ManagedSelector()).String()
	factory := metadatainformer.NewFilteredSharedInformerFactory(mc, 0, ns, func(o *metav1.ListOptions) { o.LabelSelector = sel })
	w := &childWatch{cancel: cancel}
	for _, k := range []struct {
		group, version, resource string
		perServer                int
	}{
		{"apps", "v1", "deployments", 1}, {"apps", "v1", "statefulsets", 1}, {"", "v1", "services", 2},
		{"", "v1", "serviceaccounts", 2}, {"", "v1", "configmaps", 1},
		{"rbac.authorization.k8s.io", "v1", "roles", 1}, {"rbac.authorization.k8s.io", "v1", "rolebindings", 1},
	} {
		ck := childKind{gvr: schema.GroupVersionResource{Group: k.group, Version: k.version, Resource: k.resource}, perServer: k.perServer, count: &atomic.Int64{}}
		count := ck.count
		// A relist replays existing objects as updates and missing ones as deletes, so
		// adds minus deletes stays the number of objects.
		if _, err := factory.ForResource(ck.gvr).Informer().AddEventHandler(toolscache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { count.Add(1) },
			DeleteFunc: func(any) { count.Add(-1) },
		}); err != nil {
			cancel()
			return nil, fmt.Errorf("watch %s: %w", ck.gvr.Resource, err)
		}
		w.kinds = append(w.kinds, ck)
	}
	factory.Start(ctx.Done())
	for gvr, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			cancel()
			return nil, fmt.Errorf("watch %s: cache never synced", gvr.Resource)
		}
	}
	return w, nil
}

// complete reports whether every child kind has its expected count for n MCPServers.
func (w *childWatch) complete(n int) bool {
	for _, k := range w.kinds {
		if k.count.Load() < int64(k.perServer*n) {
			return false
		}
	}
	return true
}

// wait returns once every child of n MCPServers exists, or when ctx ends.
func (w *childWatch) wait(ctx context.Context, n int) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for !w.complete(n) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out waiting for children (%s)", w.progress(n))
		case <-t.C:
		}
	}
	return nil
}

// progress says how many of each kind exist, for a timeout message.
func (w *childWatch) progress(n int) string {
	s := ""
	for _, k := range w.kinds {
		s += fmt.Sprintf("%s %d/%d ", k.gvr.Resource, k.count.Load(), k.perServer*n)
	}
	return s
}

func (w *childWatch) stop() { w.cancel() }

// dumpServerChildren writes every object of the child kinds in namespace ns whose name
// holds s0000 (and the MCPServer s0000) to file, as JSON with their managedFields.
func dumpServerChildren(ctx context.Context, c client.Client, ns, file string) error {
	var all []unstructured.Unstructured
	for _, gvk := range []schema.GroupVersionKind{
		{Group: "apps", Version: "v1", Kind: "DeploymentList"}, {Group: "apps", Version: "v1", Kind: "StatefulSetList"},
		{Version: "v1", Kind: "ServiceList"}, {Version: "v1", Kind: "ServiceAccountList"}, {Version: "v1", Kind: "ConfigMapList"},
		{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleList"}, {Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleBindingList"},
		{Group: schemaGK.Group, Version: "v1alpha1", Kind: "MCPServerList"},
	} {
		var l unstructured.UnstructuredList
		l.SetGroupVersionKind(gvk)
		if err := c.List(ctx, &l, client.InNamespace(ns)); err != nil {
			return fmt.Errorf("dump %s: %w", gvk.Kind, err)
		}
		for _, o := range l.Items {
			if strings.Contains(o.GetName(), "s0000") {
				all = append(all, o)
			}
		}
	}
	data, err := json.MarshalIndent(all, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}
