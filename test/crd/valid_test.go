package crd

import (
	"strings"
	"testing"
)

// TestValidManifestsAccepted applies manifests that use every kind's options in
// their current forms (test/crd/testdata/valid) and checks the rules do not
// over-reject and nothing given is dropped.
func TestValidManifestsAccepted(t *testing.T) {
	cases := loadManifests(t, "test/crd/testdata/valid", "expect")
	const ns = "valid"
	createNamespace(t, ns)
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			stored, err := applyStrict(t, c.obj, "v1alpha1", ns)
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			want := deepCopyJSON(t, c.obj)
			delete(want, "apiVersion")
			if lost := missingFrom(want, stored.Object, ""); len(lost) > 0 {
				t.Fatalf("stored object lost fields:\n%s", strings.Join(lost, "\n"))
			}
		})
	}
}

// TestUpstreamManifestsAccepted applies manifests written from the original's v0.63
// API inventory alone (one per newer kind, and workloads using the shared-config
// references) with strict field validation, under the version each names.
func TestUpstreamManifestsAccepted(t *testing.T) {
	cases := loadManifests(t, "test/crd/testdata/upstream", "expect")
	const ns = "upstream"
	createNamespace(t, ns)
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			version := strings.TrimPrefix(c.obj["apiVersion"].(string), group+"/")
			stored, err := applyStrict(t, c.obj, version, ns)
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			want := deepCopyJSON(t, c.obj)
			delete(want, "apiVersion")
			if lost := missingFrom(want, stored.Object, ""); len(lost) > 0 {
				t.Fatalf("stored object lost fields:\n%s", strings.Join(lost, "\n"))
			}
		})
	}
}
