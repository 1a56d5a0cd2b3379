package controllers

import (
	"sort"
	"strings"
	"sync"
	"unique"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// compactMetadata is the cache's transform for every object: managed fields (large,
// written by server-side apply, never read) are dropped, and the strings of the metadata
// that repeat across objects are shared. A child of an MCPServer carries ~8 labels whose
// keys are the same on every child and whose values (owner name and UID, component) repeat
// on its ~9 siblings; decoded from the watch stream each object held its own copies, about
// a quarter of the cache's memory at 1,000 MCPServers. Whole label maps are shared too
// (sharedLabels): the siblings' metadata labels, and the pod template labels and
// selectors of workloads, are mostly the same set.
func compactMetadata() toolscache.TransformFunc {
	strip := cache.TransformStripManagedFields()
	labelSets := &sharedLabels{}
	return func(in any) (any, error) {
		out, err := strip(in)
		if err != nil {
			return out, err
		}
		if o, ok := out.(metav1.Object); ok {
			internMetadata(o)
			o.SetLabels(labelSets.share(o.GetLabels()))
		}
		shareSelectors(out, labelSets)
		return out, nil
	}
}

// shareSelectors shares the label maps of workload pod templates and selectors.
func shareSelectors(obj any, ls *sharedLabels) {
	var tmpl *corev1.PodTemplateSpec
	var sel *metav1.LabelSelector
	switch o := obj.(type) {
	case *appsv1.Deployment:
		tmpl, sel = &o.Spec.Template, o.Spec.Selector
	case *appsv1.StatefulSet:
		tmpl, sel = &o.Spec.Template, o.Spec.Selector
	case *corev1.Service:
		o.Spec.Selector = ls.share(o.Spec.Selector)
	}
	if tmpl != nil {
		tmpl.Labels = ls.share(tmpl.Labels)
	}
	if sel != nil {
		sel.MatchLabels = ls.share(sel.MatchLabels)
	}
}

// sharedLabels hands out one map per distinct label set among the recently seen ones.
// Cached objects are read-only (every read of the cache deep-copies), so objects may
// share a map. Siblings reach the cache together, so a small window finds most repeats;
// the window is cleared when full, which bounds what it holds.
type sharedLabels struct {
	mu   sync.Mutex
	sets map[string]map[string]string
}

// sharedLabelsWindow is how many distinct label sets sharedLabels remembers.
const sharedLabelsWindow = 1024

// share returns a map equal to m, shared with earlier objects that had the same labels.
func (s *sharedLabels) share(m map[string]string) map[string]string {
	if len(m) == 0 {
		return m
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(m[k])
		b.WriteByte(0)
	}
	id := b.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	if shared, ok := s.sets[id]; ok {
		return shared
	}
	if s.sets == nil || len(s.sets) >= sharedLabelsWindow {
		s.sets = make(map[string]map[string]string, sharedLabelsWindow)
	}
	s.sets[id] = m
	return m
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
