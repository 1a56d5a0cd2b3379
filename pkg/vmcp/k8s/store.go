package k8s

import (
	"context"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// Resources vmcp reads in Kubernetes mode.
var (
	resVirtualMCPServers      = v1alpha1.GroupVersion.WithResource("virtualmcpservers")
	resMCPServers             = v1alpha1.GroupVersion.WithResource("mcpservers")
	resMCPRemoteProxies       = v1alpha1.GroupVersion.WithResource("mcpremoteproxies")
	resMCPServerEntries       = v1alpha1.GroupVersion.WithResource("mcpserverentries")
	resMCPExternalAuthConfigs = v1alpha1.GroupVersion.WithResource("mcpexternalauthconfigs")
)

// store is a namespace-scoped read cache of the kinds vmcp reads. It is built on
// client-go's dynamic informers rather than controller-runtime so that the vmcp
// binary does not carry (and initialise) the scheme of every built-in API group:
// that alone was about 15 MB of vmcp's idle memory.
// (client-go's dynamicinformer package is avoided for the same reason: it imports the
// typed informers of every built-in group.)
type store struct {
	key       types.NamespacedName
	dc        dynamic.Interface
	informers map[schema.GroupVersionResource]toolscache.SharedIndexInformer
}

func newStore(dc dynamic.Interface, key types.NamespacedName) *store {
	s := &store{key: key, dc: dc, informers: map[schema.GroupVersionResource]toolscache.SharedIndexInformer{}}
	// The Role grants its own VirtualMCPServer by resourceNames, which RBAC applies
	// to list and watch only with this field selector.
	s.informers[resVirtualMCPServers] = informer(dc, resVirtualMCPServers, key.Namespace, "metadata.name="+key.Name)
	for _, r := range []schema.GroupVersionResource{resMCPServers, resMCPRemoteProxies, resMCPServerEntries, resMCPExternalAuthConfigs} {
		s.informers[r] = informer(dc, r, key.Namespace, "")
	}
	return s
}

// informer lists and watches resource r in namespace ns (optionally by field selector).
func informer(dc dynamic.Interface, r schema.GroupVersionResource, ns, fieldSelector string) toolscache.SharedIndexInformer {
	ri := dc.Resource(r).Namespace(ns)
	lw := &toolscache.ListWatch{
		ListFunc: func(o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = fieldSelector
			return ri.List(context.Background(), o)
		},
		WatchFunc: func(o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = fieldSelector
			return ri.Watch(context.Background(), o)
		},
	}
	return toolscache.NewSharedIndexInformer(lw, &unstructured.Unstructured{}, 0, toolscache.Indexers{})
}

// addHandler registers h on every informer.
func (s *store) addHandler(h toolscache.ResourceEventHandler) error {
	for r, inf := range s.informers {
		if _, err := inf.AddEventHandler(h); err != nil {
			return fmt.Errorf("informer for %s: %w", r.Resource, err)
		}
	}
	return nil
}

// start runs the informers until ctx ends and waits for their first sync.
func (s *store) start(ctx context.Context) bool {
	synced := make([]toolscache.InformerSynced, 0, len(s.informers))
	for _, inf := range s.informers {
		go inf.Run(ctx.Done())
		synced = append(synced, inf.HasSynced)
	}
	return toolscache.WaitForCacheSync(ctx.Done(), synced...)
}

// resConfigMaps are read by name (never listed or watched): only the CA bundles the
// group's entries name, which the Role grants by resourceNames.
var resConfigMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// configMaps reads the named ConfigMaps' data straight from the API. One that
// cannot be read is left out (the backend that needs it is then reported).
func (s *store) configMaps(ctx context.Context, names []string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, n := range names {
		u, err := s.dc.Resource(resConfigMaps).Namespace(s.key.Namespace).Get(ctx, n, metav1.GetOptions{})
		if err != nil {
			continue
		}
		data, _, _ := unstructured.NestedStringMap(u.Object, "data")
		out[n] = data
	}
	return out
}

// getVirtualMCPServer returns the cached VirtualMCPServer this vmcp serves.
func (s *store) getVirtualMCPServer() (*v1alpha1.VirtualMCPServer, error) {
	obj, ok, err := s.informers[resVirtualMCPServers].GetStore().GetByKey(s.key.String())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("VirtualMCPServer %s not found", s.key)
	}
	v := &v1alpha1.VirtualMCPServer{}
	return v, fromUnstructured(obj, v)
}

// list decodes every cached object of resource r into typed items.
func list[T any](s *store, r schema.GroupVersionResource) ([]T, error) {
	objs := s.informers[r].GetStore().List()
	out := make([]T, 0, len(objs))
	for _, o := range objs {
		var item T
		if err := fromUnstructured(o, &item); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", r.Resource, err)
		}
		out = append(out, item)
	}
	return out, nil
}

// fromUnstructured decodes an informer object into a typed API object through JSON,
// so custom decoders (the string-or-object groupRef) apply exactly as in the operator.
func fromUnstructured(obj any, into any) error {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return fmt.Errorf("unexpected object %T in the cache", obj)
	}
	data, err := json.Marshal(u.Object)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}
