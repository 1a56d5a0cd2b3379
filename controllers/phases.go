package controllers

import (
	"context"
	"errors"
	"sort"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// phaseFunc is one step of a reconcile over a scope S.
type phaseFunc[S any] func(ctx context.Context, s S) (ctrl.Result, error)

// runPhases runs phases in order and stops at the first error; results are merged
// (the shortest RequeueAfter wins).
func runPhases[S any](ctx context.Context, s S, phases ...phaseFunc[S]) (ctrl.Result, error) {
	var res ctrl.Result
	for _, p := range phases {
		r, err := p(ctx, s)
		if r.RequeueAfter > 0 && (res.RequeueAfter == 0 || r.RequeueAfter < res.RequeueAfter) {
			res.RequeueAfter = r.RequeueAfter
		}
		if errors.Is(err, errWaitRecheck) || errors.Is(err, errStopReported) {
			return res, nil
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// errWaitRecheck, returned by a phase together with a RequeueAfter, stops the remaining
// phases without failing the reconcile: controller-runtime ignores RequeueAfter when an
// error is returned, and a reference that is not watched (a user ConfigMap) must be
// looked at again on a timer.
var errWaitRecheck = errors.New("waiting for a re-check")

// errStopReported, returned by a phase, stops the remaining phases without failing the
// reconcile: the phase found a problem the user must fix and reported it in a condition
// (the resource's watches bring it back when the user acts).
var errStopReported = errors.New("stopped on a reported problem")

// evaluated reports whether a reconcile that returned err looked at the whole spec:
// success, or a user error that a retry cannot fix. observedGeneration is stamped then.
func evaluated(err error) bool {
	return err == nil || errors.Is(err, reconcile.TerminalError(nil))
}

// patchStatus writes obj's status with a merge patch against orig when before and after
// (the two status values) differ semantically. It is the one status write of a reconcile.
func patchStatus(ctx context.Context, c client.Client, orig, obj client.Object, before, after any) error {
	if equality.Semantic.DeepEqual(before, after) {
		return nil
	}
	return client.IgnoreNotFound(c.Status().Patch(ctx, obj, client.MergeFrom(orig)))
}

// listNames returns the sorted names of a list's items.
func listNames(list client.ObjectList) ([]string, error) {
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if o, ok := it.(client.Object); ok {
			out = append(out, o.GetName())
		}
	}
	sort.Strings(out)
	return out, nil
}

// listObjects returns a list's items as objects.
func listObjects(list client.ObjectList) ([]client.Object, error) {
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	out := make([]client.Object, 0, len(items))
	for _, it := range items {
		if o, ok := it.(client.Object); ok {
			out = append(out, o)
		}
	}
	return out, nil
}
