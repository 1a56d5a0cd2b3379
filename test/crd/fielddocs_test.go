package crd

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// ownModule is the import path prefix of the Go types whose field docs are ours to write.
const ownModule = "github.com/mcp-operator/mcp-operator/"

// fieldDocProblems lists the properties under path (of schema s) whose description is
// missing or says nothing a user could not read from the field name. foreign holds the
// paths whose schema is a Kubernetes type (resources, affinity, conditions…): their own
// description is ours and checked, their sub-fields carry Kubernetes' docs and are not.
// seen collects description → first field, to find one text pasted onto unrelated fields
// (another name, or the same name with another type).
func fieldDocProblems(path string, s *apiextensionsv1.JSONSchemaProps, foreign map[string]bool, seen map[string]seenField) []string {
	if s == nil || foreign[path] {
		return nil
	}
	var out []string
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := s.Properties[name]
		fp := path + "." + name
		if msg := describeProblem(name, p.Description) + defaultProblem(&p); msg != "" {
			out = append(out, fmt.Sprintf("%s: %s", fp, msg))
		} else if other, ok := seen[p.Description]; ok && (other.name != name || other.typ != p.Type) {
			out = append(out, fmt.Sprintf("%s: same description as the unrelated field %s (%q)", fp, other.path, p.Description))
		} else if !ok {
			seen[p.Description] = seenField{fp, name, p.Type}
		}
		out = append(out, fieldDocProblems(fp, &p, foreign, seen)...)
	}
	if s.Items != nil {
		out = append(out, elementDocProblem(path+"[]", s.Items.Schema, foreign)...)
		out = append(out, fieldDocProblems(path+"[]", s.Items.Schema, foreign, seen)...)
	}
	if s.AdditionalProperties != nil {
		out = append(out, elementDocProblem(path+"{}", s.AdditionalProperties.Schema, foreign)...)
		out = append(out, fieldDocProblems(path+"{}", s.AdditionalProperties.Schema, foreign, seen)...)
	}
	return out
}

// typeBoilerplate is a generated type doc that names the type and where it came from
// but says nothing ("RateLimitingTool is the tools of a VirtualMCPServer."); controller-gen
// shows type docs as the description of list items and map values.
var typeBoilerplate = regexp.MustCompile(`^\w+ is the [\w ]+ of an? [A-Z]\w*\.$`)

// elementDocProblem checks the description of a list item or map value, which comes from
// its Go type's doc comment.
func elementDocProblem(path string, s *apiextensionsv1.JSONSchemaProps, foreign map[string]bool) []string {
	if s == nil || foreign[path] || !typeBoilerplate.MatchString(strings.TrimSpace(s.Description)) {
		return nil
	}
	return []string{fmt.Sprintf("%s: item description only names its type: %q", path, s.Description)}
}

// seenField is the first field found with a description.
type seenField struct{ path, name, typ string }

// placeholder matches text that stands in for a description, or sends the reader to
// another project's docs instead of saying what the field does here.
var placeholder = regexp.MustCompile(`(?i)\b(todo|fixme|tbd|xxx)\b|see upstream|same as upstream|\bthe original('s|\s+system)`)

// restateStop are the words a description may add to the field name and still say nothing.
var restateStop = map[string]bool{"is": true, "are": true, "the": true, "a": true, "an": true, "of": true,
	"for": true, "to": true, "this": true, "that": true, "it": true, "its": true, "field": true, "value": true,
	"setting": true, "settings": true, "config": true, "configuration": true}

// describeProblem says what is wrong with the description of the field name, or "".
func describeProblem(name, desc string) string {
	switch {
	case strings.TrimSpace(desc) == "":
		return "no description"
	case placeholder.MatchString(desc):
		return fmt.Sprintf("placeholder or pointer to another project instead of a description: %q", desc)
	case restatesName(name, desc):
		return fmt.Sprintf("description only repeats the field name: %q", desc)
	}
	return ""
}

var word = regexp.MustCompile(`[A-Za-z0-9]+`)

// defaultProblem says when a field with a schema default does not name it: a user
// reading `kubectl explain` should learn what an unset field means. Enum defaults are
// checked with the enum values (TestEnumFieldsAreExplained); object and list defaults
// are not values to name.
func defaultProblem(s *apiextensionsv1.JSONSchemaProps) string {
	if s.Default == nil || len(s.Enum) > 0 {
		return ""
	}
	d := strings.Trim(string(s.Default.Raw), `"`)
	if d == "" || strings.HasPrefix(d, "{") || strings.HasPrefix(d, "[") || strings.Contains(s.Description, d) {
		return ""
	}
	return fmt.Sprintf("description does not name the default %s", d)
}

// restatesName reports whether every word of desc, apart from filler, is a piece of the
// field name ("TokenURL is the token URL.", "Name is the name.").
func restatesName(name, desc string) bool {
	lname := strings.ToLower(name)
	for _, w := range word.FindAllString(desc, -1) {
		w = strings.ToLower(w)
		if !restateStop[w] && !strings.Contains(lname, w) {
			return false
		}
	}
	return true
}

// foreignPaths walks the Go type t (at schema path path) and marks every path whose
// type comes from outside this module and has sub-fields: Kubernetes' own API types.
func foreignPaths(path string, t reflect.Type, out map[string]bool, depth int) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if depth > 30 {
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() != reflect.Uint8 {
			foreignPaths(path+"[]", t.Elem(), out, depth+1)
		}
		return
	case reflect.Map:
		foreignPaths(path+"{}", t.Elem(), out, depth+1)
		return
	case reflect.Struct:
	default:
		return
	}
	if t.PkgPath() != "" && !strings.HasPrefix(t.PkgPath(), ownModule) {
		out[path] = true
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
			continue
		case name == "" && (f.Anonymous || strings.Contains(opts, "inline")):
			if strings.HasPrefix(f.Type.PkgPath(), ownModule) { // not metav1.TypeMeta
				foreignPaths(path, f.Type, out, depth+1)
			}
		case name != "":
			foreignPaths(path+"."+name, f.Type, out, depth+1)
		}
	}
}

// Every field of every kind, in every served version, has a description of its own in
// `kubectl explain`: none missing, none that only repeats the field name, no
// placeholders, no one text pasted onto unrelated fields. Sub-fields of embedded
// Kubernetes types (affinity, tolerations, resources, conditions) keep Kubernetes' docs.
// Enum values and defaults are checked by TestEnumFieldsAreExplained.
func TestEveryFieldIsDescribed(t *testing.T) {
	var problems []string
	seen := map[string]map[string]seenField{} // per version, across all kinds
	for _, g := range loadGeneratedCRDs(t) {
		crd, obj := g.crd, g.obj
		kind := crd.Spec.Names.Kind
		for _, v := range crd.Spec.Versions {
			if seen[v.Name] == nil {
				seen[v.Name] = map[string]seenField{}
			}
			prefix := kind + "." + v.Name
			foreign := map[string]bool{}
			foreignPaths(prefix, reflect.TypeOf(obj), foreign, 0)
			for _, part := range []string{"spec", "status"} {
				if p, ok := v.Schema.OpenAPIV3Schema.Properties[part]; ok {
					problems = append(problems, fieldDocProblems(prefix+"."+part, &p, foreign, seen[v.Name])...)
				}
			}
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) > 0 {
		t.Logf("%d field descriptions to write", len(problems))
	}
}

func TestFieldDocProblems(t *testing.T) {
	obj := func(props map[string]apiextensionsv1.JSONSchemaProps) apiextensionsv1.JSONSchemaProps {
		return apiextensionsv1.JSONSchemaProps{Type: "object", Properties: props}
	}
	tests := map[string]struct {
		s       apiextensionsv1.JSONSchemaProps
		foreign map[string]bool
		want    int
	}{
		"described": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"tokenUrl": {Description: "TokenURL is the OAuth 2.0 token endpoint the operator posts the exchange to."}}), nil, 0},
		"missing": {obj(map[string]apiextensionsv1.JSONSchemaProps{"title": {}}), nil, 1},
		"restates the name": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"tokenUrl":        {Description: "TokenURL is the token URL."},
			"allowPrivateIPs": {Description: "AllowPrivateIPs is the allow private i ps."}}), nil, 2},
		"placeholder": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"mode": {Description: "Mode: TODO."}, "x": {Description: "See upstream docs."}}), nil, 2},
		"one text on unrelated fields": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"service": {Description: "Labels and annotations added to a rendered object."},
			"pvc":     {Description: "Labels and annotations added to a rendered object."}}), nil, 1},
		"one text on fields of one name but another type": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"a": {Description: "A thing we keep.", Properties: map[string]apiextensionsv1.JSONSchemaProps{"endpoint": {Type: "string", Description: "Endpoint of the collector."}}},
			"b": {Description: "B thing we keep.", Properties: map[string]apiextensionsv1.JSONSchemaProps{"endpoint": {Type: "object", Description: "Endpoint of the collector."}}}}), nil, 1},
		"same text on the same field elsewhere is fine": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"a": obj(map[string]apiextensionsv1.JSONSchemaProps{"name": {Description: "Name of the Secret."}}),
			"b": obj(map[string]apiextensionsv1.JSONSchemaProps{"name": {Description: "Name of the Secret."}})}), nil, 2},
		"nested in a list and a map": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"l": {Description: "List of things we keep.", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"t": {}}}}},
			"m": {Description: "Map of things we keep.", AdditionalProperties: &apiextensionsv1.JSONSchemaPropsOrBool{Schema: &apiextensionsv1.JSONSchemaProps{
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"u": {}}}}}}), nil, 2},
		"default not named": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"port":    {Description: "Port the proxy listens on.", Default: &apiextensionsv1.JSON{Raw: []byte(`8080`)}},
			"enabled": {Description: "Enabled turns export on (default false).", Default: &apiextensionsv1.JSON{Raw: []byte(`false`)}}}), nil, 1},
		"list item with a boilerplate type doc": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"tools": {Description: "Tools are per-tool limits.", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{
				Description: "RateLimitingTool is the tools of a VirtualMCPServer."}}}}), nil, 1},
		"sub-fields of a Kubernetes type are exempt": {obj(map[string]apiextensionsv1.JSONSchemaProps{
			"affinity": {Description: "Affinity of the proxy pods.", Properties: map[string]apiextensionsv1.JSONSchemaProps{"nodeAffinity": {}}}}),
			map[string]bool{".affinity": true}, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := fieldDocProblems("", &tc.s, tc.foreign, map[string]seenField{})
			if name == "same text on the same field elsewhere is fine" {
				// the two parents are undescribed: only they are reported
				for _, g := range got {
					if strings.Contains(g, ".name") {
						t.Fatalf("same field reported as a copy: %v", got)
					}
				}
			}
			if len(got) != tc.want {
				t.Fatalf("got %d problems %v, want %d", len(got), got, tc.want)
			}
		})
	}
}

func TestForeignPaths(t *testing.T) {
	got := map[string]bool{}
	foreignPaths("", reflect.TypeOf(&v1alpha1.MCPServer{}), got, 0)
	for _, want := range []string{".spec.resources", ".status.conditions[]"} {
		if !got[want] {
			t.Errorf("%s not marked as a Kubernetes type; marked: %v", want, got)
		}
	}
	if got[""] || got[".spec"] || got[".status"] {
		t.Errorf("our own spec/status marked as foreign: %v", got)
	}
}
