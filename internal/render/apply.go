package render

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// Labels and annotations the engine puts on every child.
const (
	// FieldManager is the one server-side apply field manager of the operator.
	FieldManager = "mcp-operator"
	// LabelName, LabelInstance, LabelComponent, LabelPartOf and LabelManagedBy are the
	// app.kubernetes.io labels.
	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelComponent = "app.kubernetes.io/component"
	LabelPartOf    = "app.kubernetes.io/part-of"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedByValue is the value of LabelManagedBy on every child; the manager's cache
	// selects child kinds by it (see ManagedSelector).
	ManagedByValue = "mcp-operator"
	// PartOfValue is the value of LabelPartOf.
	PartOfValue = "toolhive"
	// LabelOwnerUID carries the owning resource's UID; pruning lists by it.
	LabelOwnerUID = "toolhive.stacklok.dev/owner-uid"
	// AnnotationAppliedHash is the hash of what was last applied; equal hash plus a live
	// object that still contains the rendered fields means no write is needed.
	AnnotationAppliedHash = "toolhive.stacklok.dev/applied-hash"
)

// ManagedSelector is the label selector that matches every object the engine applies;
// give it to the manager's cache for child kinds so it holds only operator-owned objects.
func ManagedSelector() map[string]string {
	return map[string]string{LabelManagedBy: ManagedByValue}
}

// Applier applies rendered objects for an owner.
type Applier struct {
	// Client reads from the informer cache and writes to the API server.
	Client client.Client
	// Owners finds an owner's children for pruning (WatchOwners on Client's cache, for
	// every prune kind); an Applier that prunes needs it.
	Owners *OwnerIndex
	// writes counts API writes (applies and deletes) since start; see Writes.
	writes atomic.Int64
}

// Result says what one Apply did.
type Result struct {
	// Applied objects were written; Unchanged were skipped; Pruned were deleted.
	Applied, Unchanged, Pruned int
	// Live are the applied objects, typed, as the API server has them now (its answer to
	// the apply, or the cached copy when nothing was written), so a reconcile can read its
	// workloads' state without waiting for the cache to see its own writes.
	Live []client.Object
}

// Find returns the live object of kind and name, or nil.
func (r Result) Find(kind, name string) client.Object {
	for _, o := range r.Live {
		if o.GetObjectKind().GroupVersionKind().Kind == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

// Writes returns the number of API writes this Applier has made.
func (a *Applier) Writes() int64 { return a.writes.Load() }

// Apply makes the owner's children equal to objs: each object gets the owner's namespace,
// the standard labels, the owner-UID label and a controller owner reference, and is
// server-side applied unless its cached live copy already matches. Objects of the prune
// kinds that carry the owner's UID label and are not in objs are deleted.
func (a *Applier) Apply(ctx context.Context, owner client.Object, objs []*unstructured.Unstructured, prune []schema.GroupVersionKind) (Result, error) {
	var res Result
	ref, err := a.ownerRef(owner)
	if err != nil {
		return res, err
	}
	keep := map[string]bool{}
	var errs []error
	for _, obj := range objs {
		decorate(obj, owner, ref)
		keep[key(obj.GroupVersionKind().GroupKind(), obj.GetName())] = true
		changed, live, err := a.applyOne(ctx, obj)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		res.Live = append(res.Live, live)
		if changed {
			res.Applied++
		} else {
			res.Unchanged++
		}
	}
	pruned, err := a.prune(ctx, owner, keep, prune)
	res.Pruned = pruned
	if err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

func (a *Applier) ownerRef(owner client.Object) (metav1.OwnerReference, error) {
	gvk, err := apiutil.GVKForObject(owner, a.Client.Scheme())
	if err != nil {
		return metav1.OwnerReference{}, fmt.Errorf("owner kind: %w", err)
	}
	return metav1.OwnerReference{
		APIVersion:         gvk.GroupVersion().String(),
		Kind:               gvk.Kind,
		Name:               owner.GetName(),
		UID:                owner.GetUID(),
		Controller:         ptr.To(true),
		BlockOwnerDeletion: ptr.To(true),
	}, nil
}

// decorate sets namespace, labels and owner reference; labels the chart set are kept.
func decorate(obj *unstructured.Unstructured, owner client.Object, ref metav1.OwnerReference) {
	obj.SetNamespace(owner.GetNamespace())
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	defaults := map[string]string{
		LabelName:      owner.GetName(),
		LabelInstance:  owner.GetName(),
		LabelComponent: strings.ToLower(ref.Kind),
		LabelPartOf:    PartOfValue,
	}
	for k, v := range defaults {
		if _, ok := labels[k]; !ok {
			labels[k] = v
		}
	}
	labels[LabelManagedBy] = ManagedByValue
	labels[LabelOwnerUID] = string(owner.GetUID())
	obj.SetLabels(labels)
	obj.SetOwnerReferences([]metav1.OwnerReference{ref})
}

// applyOne writes obj unless the cached live object already matches; it reports a write
// and returns the live object (the server's answer to the apply, or the cached copy).
func (a *Applier) applyOne(ctx context.Context, obj *unstructured.Unstructured) (bool, client.Object, error) {
	ann := obj.GetAnnotations()
	delete(ann, AnnotationAppliedHash)
	obj.SetAnnotations(ann)
	hash := Hash(obj.Object)
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AnnotationAppliedHash] = hash
	obj.SetAnnotations(ann)

	gvk := obj.GroupVersionKind()
	live, err := a.newObject(gvk)
	if err != nil {
		return false, nil, err
	}
	if err := a.Client.Get(ctx, client.ObjectKeyFromObject(obj), live); err == nil {
		if live.GetAnnotations()[AnnotationAppliedHash] == hash {
			same, err := containedIn(live, obj)
			if err != nil {
				return false, nil, err
			}
			if same {
				live.GetObjectKind().SetGroupVersionKind(gvk)
				return false, live, nil
			}
		}
	} else if !apierrors.IsNotFound(err) {
		return false, nil, fmt.Errorf("get %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	a.writes.Add(1)
	body, err := obj.MarshalJSON()
	if err != nil {
		return false, nil, fmt.Errorf("encode %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	// The apply goes through the typed client with the unstructured object as its body:
	// the API server answers in protobuf, decoded straight into the typed object the
	// caller reads (an unstructured apply is answered in JSON, which cost the manager
	// more CPU to decode than rendering the chart, and the API server more to encode).
	answer, err := a.newObject(gvk)
	if err != nil {
		return false, nil, err
	}
	answer.SetNamespace(obj.GetNamespace())
	answer.SetName(obj.GetName())
	err = a.Client.Patch(ctx, answer, client.RawPatch(types.ApplyPatchType, body), client.FieldOwner(FieldManager), client.ForceOwnership)
	if err != nil {
		return true, nil, fmt.Errorf("apply %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	answer.GetObjectKind().SetGroupVersionKind(gvk)
	return true, answer, nil
}

// newObject returns an empty typed object of kind gvk from the client's scheme.
func (a *Applier) newObject(gvk schema.GroupVersionKind) (client.Object, error) {
	typed, err := a.Client.Scheme().New(gvk)
	if err != nil {
		return nil, fmt.Errorf("kind %s is not in the manager's scheme: %w", gvk, err)
	}
	co, ok := typed.(client.Object)
	if !ok {
		return nil, fmt.Errorf("kind %s is not an object", gvk)
	}
	return co, nil
}

// containedIn reports whether the typed live object holds every field of want (Contains).
func containedIn(live client.Object, want *unstructured.Unstructured) (bool, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(live)
	if err != nil {
		return false, fmt.Errorf("read live %s %s: %w", want.GetKind(), want.GetName(), err)
	}
	return Contains(&unstructured.Unstructured{Object: m}, want), nil
}

// prune deletes objects of the prune kinds labelled with the owner's UID that are not kept.
func (a *Applier) prune(ctx context.Context, owner client.Object, keep map[string]bool, kinds []schema.GroupVersionKind) (int, error) {
	candidates, err := a.pruneCandidates(ctx, owner, keep, kinds)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range candidates {
		a.writes.Add(1)
		err := a.Client.Delete(ctx, o, client.Preconditions{UID: ptr.To(o.GetUID())}, client.PropagationPolicy(metav1.DeletePropagationBackground))
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return n, fmt.Errorf("prune %s %s: %w", o.GetObjectKind().GroupVersionKind().Kind, o.GetName(), err)
		}
		n++
	}
	return n, nil
}

// pruneCandidates returns the owner's children of the prune kinds that are not kept and
// not already being deleted, found through the OwnerIndex.
func (a *Applier) pruneCandidates(ctx context.Context, owner client.Object, keep map[string]bool, kinds []schema.GroupVersionKind) ([]client.Object, error) {
	if a.Owners == nil {
		return nil, errors.New("prune: the Applier has no OwnerIndex (see WatchOwners)")
	}
	var out []client.Object
	for _, c := range a.Owners.childrenOf(owner.GetUID()) {
		if !slices.Contains(kinds, c.gvk) || keep[key(c.gvk.GroupKind(), c.name)] {
			continue
		}
		o, err := a.newObject(c.gvk)
		if err != nil {
			return nil, err
		}
		if err := a.Client.Get(ctx, client.ObjectKey{Namespace: owner.GetNamespace(), Name: c.name}, o); err != nil {
			if apierrors.IsNotFound(err) {
				continue
			}
			return nil, fmt.Errorf("get %s %s for pruning: %w", c.gvk.Kind, c.name, err)
		}
		if o.GetLabels()[LabelOwnerUID] == string(owner.GetUID()) && o.GetDeletionTimestamp().IsZero() {
			o.GetObjectKind().SetGroupVersionKind(c.gvk)
			out = append(out, o)
		}
	}
	return out, nil
}

func key(gk schema.GroupKind, name string) string { return gk.String() + "/" + name }

// Contains reports whether every field set in want is present with the same value in live
// (fields the API server defaulted are ignored). Empty values in want match absent ones;
// lists must have the same length and match element by element. apiVersion, kind and
// status are not compared.
func Contains(live, want *unstructured.Unstructured) bool {
	l, w := normalize(live.Object), normalize(want.Object)
	lm, _ := l.(map[string]any)
	wm, _ := w.(map[string]any)
	for _, k := range []string{"apiVersion", "kind", "status"} {
		delete(wm, k)
	}
	return contains(lm, wm)
}

// normalize round-trips through JSON so numbers compare as float64 on both sides.
func normalize(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil
	}
	return out
}

func contains(live, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return isEmpty(w) && isEmpty(live)
		}
		for k, wv := range w {
			lv, present := l[k]
			if !present {
				if isEmpty(wv) {
					continue
				}
				return false
			}
			if !contains(lv, wv) {
				return false
			}
		}
		return true
	case []any:
		l, ok := live.([]any)
		if !ok {
			return len(w) == 0 && isEmpty(live)
		}
		if len(l) != len(w) {
			return false
		}
		for i := range w {
			if !contains(l[i], w[i]) {
				return false
			}
		}
		return true
	default:
		if isEmpty(want) && isEmpty(live) {
			return true
		}
		return live == want
	}
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case string:
		return x == ""
	case bool:
		return !x
	case float64:
		return x == 0
	}
	return false
}
