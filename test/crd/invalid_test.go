package crd

import (
	"strings"
	"testing"
)

// TestInvalidManifestsRejected applies every manifest of test/testdata/invalid
// (strict field validation) and checks the API server rejects it with a message
// naming the field in its first line ("# expect: <field>").
func TestInvalidManifestsRejected(t *testing.T) {
	cases := loadManifests(t, "test/testdata/invalid", "expect")
	if len(cases) < 40 {
		t.Fatalf("expected at least 40 invalid manifests, found %d", len(cases))
	}
	const ns = "invalid"
	createNamespace(t, ns)
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			if c.expect == "" {
				t.Fatal("manifest has no '# expect: <field>' first line")
			}
			_, err := applyStrict(t, c.obj, "v1alpha1", ns)
			if err == nil {
				t.Fatalf("accepted; want a rejection naming %s", c.expect)
			}
			if !strings.Contains(err.Error(), c.expect) {
				t.Fatalf("rejection does not name %s:\n%v", c.expect, err)
			}
			t.Logf("rejected: %s", firstLine(err.Error()))
		})
	}
}
