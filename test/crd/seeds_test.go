package crd

import (
	"fmt"
	"strings"
	"testing"
)

// TestSeedsApplyUnchanged applies every seed manifest with server-side apply and
// strict field validation, under both served versions. Whole manifests must be
// accepted and stored with every field they gave; fragments (first line
// "# expect-reject: <field>") must be rejected with a message naming the field.
func TestSeedsApplyUnchanged(t *testing.T) {
	seeds := loadManifests(t, "test/testdata/seeds", "expect-reject")
	if len(seeds) < 18 {
		t.Fatalf("expected at least 18 seed documents, found %d", len(seeds))
	}
	fragments := 0
	for i, s := range seeds {
		if s.expect != "" {
			fragments++
		}
		for _, version := range []string{"v1alpha1", "v1beta1"} {
			t.Run(version+"/"+s.file, func(t *testing.T) {
				ns := fmt.Sprintf("seed-%02d-%s", i, version)
				createNamespace(t, ns)
				stored, err := applyStrict(t, s.obj, version, ns)
				if s.expect != "" {
					if err == nil {
						t.Fatalf("fragment accepted; want a rejection naming %s", s.expect)
					}
					if !strings.Contains(err.Error(), s.expect) {
						t.Fatalf("rejection does not name %s: %v", s.expect, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("seed rejected: %v", err)
				}
				want := deepCopyJSON(t, s.obj)
				delete(want, "apiVersion")
				if md, ok := want["metadata"].(map[string]any); ok {
					delete(md, "namespace")
				}
				if lost := missingFrom(want, stored.Object, ""); len(lost) > 0 {
					t.Fatalf("stored object lost fields of the seed:\n%s", strings.Join(lost, "\n"))
				}
				if got := stored.GetAPIVersion(); got != group+"/"+version {
					t.Fatalf("read back as %s, want %s/%s", got, group, version)
				}
			})
		}
	}
	if fragments != 3 {
		t.Fatalf("expected 3 fragment seeds marked expect-reject, found %d", fragments)
	}
}
