package crd

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// enumDocProblems lists the enum fields under path whose description (what `kubectl
// explain` prints) does not name every allowed value, or the default when there is one.
// Paths in foreign are embedded Kubernetes types (conditions) whose docs are not ours.
func enumDocProblems(path string, s *apiextensionsv1.JSONSchemaProps, foreign map[string]bool) []string {
	if s == nil || foreign[path] {
		return nil
	}
	var out []string
	if len(s.Enum) > 0 {
		var missing []string
		for _, e := range s.Enum {
			if v := strings.Trim(string(e.Raw), `"`); !strings.Contains(s.Description, v) {
				missing = append(missing, v)
			}
		}
		if len(missing) > 0 {
			out = append(out, fmt.Sprintf("%s: description does not say what %v do", path, missing))
		}
		if s.Default != nil {
			d := strings.Trim(string(s.Default.Raw), `"`)
			if !namesDefault(s.Description, d) {
				out = append(out, fmt.Sprintf("%s: description does not name the default %s", path, d))
			}
		}
	}
	for name, p := range s.Properties {
		out = append(out, enumDocProblems(path+"."+name, &p, foreign)...)
	}
	if s.Items != nil {
		out = append(out, enumDocProblems(path+"[]", s.Items.Schema, foreign)...)
	}
	if s.AdditionalProperties != nil {
		out = append(out, enumDocProblems(path+"{}", s.AdditionalProperties.Schema, foreign)...)
	}
	return out
}

// Every field with a fixed set of values explains each value and its default, so
// `kubectl explain virtualmcpserver.spec.config.aggregation.conflictResolution` tells a
// user what to choose, and `kubectl explain mcpserver.status.phase` what each phase
// means. Kubernetes' own condition type is exempt.
func TestEnumFieldsAreExplained(t *testing.T) {
	for _, g := range loadGeneratedCRDs(t) {
		crd, obj := g.crd, g.obj
		foreign := map[string]bool{}
		foreignPaths("", reflect.TypeOf(obj), foreign, 0)
		for _, v := range crd.Spec.Versions {
			for _, part := range []string{"spec", "status"} {
				p, ok := v.Schema.OpenAPIV3Schema.Properties[part]
				if !ok {
					continue
				}
				for _, msg := range enumDocProblems("."+part, &p, foreign) {
					t.Error(crd.Spec.Names.Kind + "." + v.Name + msg)
				}
			}
		}
	}
}

// namesDefault reports whether some mention of value d has the word "default" close by
// ("a (the default)", "default: a", "defaults to a").
func namesDefault(desc, d string) bool {
	for i := strings.Index(desc, d); i >= 0; {
		lo, hi := max(0, i-15), min(len(desc), i+len(d)+18)
		if strings.Contains(strings.ToLower(desc[lo:hi]), "default") {
			return true
		}
		next := strings.Index(desc[i+1:], d)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

func TestEnumDocProblems(t *testing.T) {
	raw := func(s string) apiextensionsv1.JSON { return apiextensionsv1.JSON{Raw: []byte(`"` + s + `"`)} }
	def := raw("a")
	tests := map[string]struct {
		s    apiextensionsv1.JSONSchemaProps
		want int
	}{
		"every value and the default": {apiextensionsv1.JSONSchemaProps{Description: "a (the default) does x, b does y",
			Enum: []apiextensionsv1.JSON{raw("a"), raw("b")}, Default: &def}, 0},
		"a value unexplained": {apiextensionsv1.JSONSchemaProps{Description: "a does x",
			Enum: []apiextensionsv1.JSON{raw("a"), raw("b")}}, 1},
		"default not named": {apiextensionsv1.JSONSchemaProps{Description: "a does x, b does y",
			Enum: []apiextensionsv1.JSON{raw("a"), raw("b")}, Default: &def}, 1},
		"nested in a list": {apiextensionsv1.JSONSchemaProps{Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{
			Properties: map[string]apiextensionsv1.JSONSchemaProps{"t": {Description: "Type.", Enum: []apiextensionsv1.JSON{raw("a")}}}}}}, 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := enumDocProblems("x", &tc.s, nil); len(got) != tc.want {
				t.Fatalf("got %v, want %d problems", got, tc.want)
			}
		})
	}
}
