package render

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
)

func TestOwnerIndexFollowsInformerEvents(t *testing.T) {
	cm := func(name, owner string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: map[string]string{LabelOwnerUID: owner}}}
	}
	cmKind := schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	svcKind := schema.GroupVersionKind{Version: "v1", Kind: "Service"}
	ix := &OwnerIndex{kinds: []schema.GroupVersionKind{cmKind, svcKind}, children: map[types.UID][]childRef{}}
	names := func(owner string) []ownedChild { return ix.childrenOf(types.UID(owner)) }

	ix.update(0, nil, cm("a", "u1"))
	ix.update(0, nil, cm("a", "u1")) // a relist replays adds
	ix.update(1, nil, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "a", Labels: map[string]string{LabelOwnerUID: "u1"}}})
	ix.update(0, nil, cm("b", "u2"))
	ix.update(0, nil, cm("unowned", ""))
	if diff := cmp.Diff([]ownedChild{{cmKind, "a"}, {svcKind, "a"}}, names("u1"), cmp.AllowUnexported(ownedChild{})); diff != "" {
		t.Fatalf("children of u1 (-want +got):\n%s", diff)
	}
	ix.update(0, cm("b", "u2"), cm("b", "u1")) // relabelled to another owner
	if got := names("u2"); len(got) != 0 {
		t.Fatalf("u2 still has %v after its child moved", got)
	}
	ix.update(0, cm("a", "u1"), nil)
	ix.update(1, toolscache.DeletedFinalStateUnknown{Obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "a", Labels: map[string]string{LabelOwnerUID: "u1"}}}}, nil)
	if diff := cmp.Diff([]ownedChild{{cmKind, "b"}}, names("u1"), cmp.AllowUnexported(ownedChild{})); diff != "" {
		t.Fatalf("children of u1 after deletes (-want +got):\n%s", diff)
	}
	if len(ix.children) != 1 {
		t.Fatalf("index holds %d owners, want 1 (owners without children are dropped)", len(ix.children))
	}
}
