package controllers

import (
	"context"
	"errors"
	"sort"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
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

// statusRules are a kind's status invariants, applied by finishStatus.
type statusRules[T client.Object] struct {
	// status returns a copy of the status (compared before and after) and pointers to
	// its conditions and observedGeneration.
	status func(T) (copied any, conds *[]metav1.Condition, observed *int64)
	// phase derives phase and message from the conditions (nil: the kind has none).
	phase func(T)
	// events emits the kind's Warning events from the status before and after (nil:
	// one Warning per condition that turned bad, emitWarnings).
	events func(rec record.EventRecorder, orig, obj T)
}

// finishStatus is the one deferred status write every patch-based reconcile ends with,
// so the status invariants live in one place: the phase is derived from the conditions
// (never set by a phase), observedGeneration is stamped only when the reconcile
// evaluated the spec (evaluated), Warning events say what turned bad, and the status is
// patched once, only when it changed. It returns err joined with the write's error.
func finishStatus[T client.Object](ctx context.Context, c client.Client, rec record.EventRecorder, orig, obj T, rules statusRules[T], err error) error {
	if rules.phase != nil {
		rules.phase(obj)
	}
	_, conds, observed := rules.status(obj)
	if evaluated(err) {
		*observed = obj.GetGeneration()
	}
	switch {
	case rules.events != nil:
		rules.events(rec, orig, obj)
	case rec != nil:
		_, before, _ := rules.status(orig)
		emitWarnings(rec, obj, *before, *conds)
	}
	before, _, _ := rules.status(orig)
	after, _, _ := rules.status(obj)
	return errors.Join(err, patchStatus(ctx, c, orig, obj, before, after))
}
