package controllers

import (
	"unique"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// compactMetadata is the cache's transform for every object: managed fields (large,
// written by server-side apply, never read) are dropped, and the strings of the metadata
// that repeat across objects are shared. A child of an MCPServer carries ~8 labels whose
// keys are the same on every child and whose values (owner name and UID, component) repeat
// on its ~9 siblings; decoded from the watch stream each object held its own copies, about
// a quarter of the cache's memory at 1,000 MCPServers.
func compactMetadata() toolscache.TransformFunc {
	strip := cache.TransformStripManagedFields()
	return func(in any) (any, error) {
		out, err := strip(in)
		if err != nil {
			return out, err
		}
		if o, ok := out.(metav1.Object); ok {
			internMetadata(o)
		}
		return out, nil
	}
}

// internMetadata replaces o's namespace, label keys and values, annotation keys and owner
// reference strings with shared copies. Annotation values (hashes, user text) rarely
// repeat and are kept.
func internMetadata(o metav1.Object) {
	o.SetNamespace(intern(o.GetNamespace()))
	if l := o.GetLabels(); len(l) > 0 {
		shared := make(map[string]string, len(l))
		for k, v := range l {
			shared[intern(k)] = intern(v)
		}
		o.SetLabels(shared)
	}
	if a := o.GetAnnotations(); len(a) > 0 {
		shared := make(map[string]string, len(a))
		for k, v := range a {
			shared[intern(k)] = v
		}
		o.SetAnnotations(shared)
	}
	refs := o.GetOwnerReferences()
	for i := range refs {
		r := &refs[i]
		r.APIVersion, r.Kind, r.Name, r.UID = intern(r.APIVersion), intern(r.Kind), intern(r.Name), internUID(r.UID)
	}
}

// intern returns the shared copy of s (freed once no object uses it).
func intern(s string) string { return unique.Make(s).Value() }

func internUID[T ~string](s T) T { return T(intern(string(s))) }
