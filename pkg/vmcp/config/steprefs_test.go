package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

func TestStepRefs(t *testing.T) {
	tests := map[string]struct {
		text string
		want []string
	}{
		"plain text":        {text: "steps.a.output", want: nil},
		"field":             {text: "{{ .steps.ghost.output }}", want: []string{"ghost"}},
		"in a function":     {text: `{{ json .steps.b.output.items }} {{ .params.x }}`, want: []string{"b"}},
		"in if and range":   {text: `{{ if .steps.c.output }}{{ range .steps.d.output }}{{ . }}{{ end }}{{ else }}{{ .steps.e }}{{ end }}`, want: []string{"c", "d", "e"}},
		"in a pipeline":     {text: `{{ .steps.f.output | quote }}`, want: []string{"f"}},
		"bad template":      {text: "{{ .steps.g", want: nil},
		"params are no ref": {text: "{{ .params.steps }}", want: nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := stepRefs(tc.text)
			if len(got) == 0 {
				got = nil
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("-want +got:\n%s", d)
			}
		})
	}
}

// TestValidateCompositeToolStepRefs (issue 10 item 8): a template reading the
// output of a step that does not exist, or of one that does not run first, is
// refused with what to change.
func TestValidateCompositeToolStepRefs(t *testing.T) {
	raw := func(s string) *apiextensionsv1.JSON { return &apiextensionsv1.JSON{Raw: []byte(s)} }
	tool := CompositeTool{Name: "c", Steps: []WorkflowStep{
		{ID: "a", Tool: "w.t"},
		{ID: "b", Tool: "w.t", DependsOn: []string{"a"}, Arguments: raw(`{"x": "{{ .steps.a.output }}", "y": "{{ .steps.ghost.output }}"}`)},
		{ID: "c", Tool: "w.t", DependsOn: []string{"b"}, Condition: "{{ .steps.a.output.ok }}"},
		{ID: "d", Tool: "w.t", Arguments: raw(`{"z": "{{ .steps.c.output }}"}`)},
	}, Output: raw(`{"all": "{{ .steps.d.output }}", "bad": "{{ .steps.nope.output }}"}`)}
	var got []string
	for _, e := range ValidateCompositeTool("spec", tool, nil) {
		got = append(got, e.Error())
	}
	want := []string{
		`spec.steps[1].arguments.y: refers to step "ghost", which does not exist; use the id of a step of this workflow`,
		`spec.steps[3].arguments.z: refers to step "c", which does not run before step "d"; add "c" to its dependsOn`,
		`spec.output.bad: refers to step "nope", which does not exist; use the id of a step of this workflow`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("-want +got:\n%s\n(all: %s)", d, strings.Join(got, "\n"))
	}
}
