package v1alpha1

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGroupRefDecodeNeverFails(t *testing.T) {
	tests := map[string]struct {
		in      string
		want    GroupRef
		problem bool
	}{
		"object":          {in: `{"name":"g"}`, want: GroupRef{Name: "g"}},
		"legacy string":   {in: `"g"`, want: GroupRef{Name: "g", LegacyString: true}},
		"number":          {in: `42`, want: GroupRef{Invalid: "42"}, problem: true},
		"boolean":         {in: `true`, want: GroupRef{Invalid: "true"}, problem: true},
		"empty object":    {in: `{}`, want: GroupRef{Invalid: "{}"}, problem: true},
		"numeric name":    {in: `{"name":5}`, want: GroupRef{Invalid: `{"name":5}`}, problem: true},
		"list":            {in: `["g"]`, want: GroupRef{Invalid: `["g"]`}, problem: true},
		"empty string":    {in: `""`, want: GroupRef{LegacyString: true}, problem: true},
		"object, extra k": {in: `{"name":"g","x":1}`, want: GroupRef{Name: "g"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var spec struct {
				GroupRef *GroupRef `json:"groupRef"`
			}
			if err := json.Unmarshal([]byte(`{"groupRef":`+tc.in+`}`), &spec); err != nil {
				t.Fatalf("decoding failed: %v", err)
			}
			if diff := cmp.Diff(tc.want, *spec.GroupRef); diff != "" {
				t.Fatalf("decoded (-want +got):\n%s", diff)
			}
			if got := spec.GroupRef.Problem() != ""; got != tc.problem {
				t.Fatalf("Problem() = %q, want a problem: %v", spec.GroupRef.Problem(), tc.problem)
			}
		})
	}
}

func TestGroupRefEncodesTheFormItRead(t *testing.T) {
	for _, in := range []string{`{"name":"g"}`, `"g"`, `42`, `{"name":5}`} {
		var g GroupRef
		if err := json.Unmarshal([]byte(in), &g); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != in {
			t.Errorf("round trip of %s gave %s", in, out)
		}
	}
}

func TestGroupRefNullIsAbsent(t *testing.T) {
	var spec MCPServerSpec
	if err := json.Unmarshal([]byte(`{"image":"i","groupRef":null}`), &spec); err != nil {
		t.Fatal(err)
	}
	if spec.GroupRef != nil && (spec.GroupRef.Name != "" || spec.GroupRef.Invalid != "") {
		t.Fatalf("null groupRef decoded as %+v", *spec.GroupRef)
	}
}
