package inventory

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// knownPending lists what another issue adds; every entry is a kind ("Kind") or
// a path prefix ("Kind spec.path"). Empty: every upstream field exists.
var knownPending = []string{}

func pending(kind, path string) bool {
	for _, p := range knownPending {
		k, prefix, hasPath := strings.Cut(p, " ")
		if k != kind {
			continue
		}
		if !hasPath || path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"[]") || strings.HasPrefix(path, prefix+"{*}") {
			return true
		}
	}
	return false
}

// node is one schema path of the inventory: its type ("-" when untyped) and its
// attributes (enum, default, minimum, REQUIRED, ...).
type node struct {
	typ   string
	attrs map[string]string
}

// kindInventory is the inventory of one kind.
type kindInventory struct {
	versions   []string // served versions, "*" marks the storage version
	shortNames []string
	printer    []string // "Name=JSONPath"
	paths      map[string]node
}

func parseInventory(t *testing.T) map[string]*kindInventory {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "upstream-api-v0.63.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kinds := map[string]*kindInventory{}
	var cur *kindInventory
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			fields := strings.Split(strings.TrimPrefix(line, "## "), "  ")
			cur = &kindInventory{paths: map[string]node{}}
			kinds[fields[0]] = cur
			for _, f := range fields[1:] {
				k, v, _ := strings.Cut(f, ": ")
				switch k {
				case "versions":
					cur.versions = strings.Split(v, ", ")
				case "shortNames":
					if v = strings.TrimSpace(v); v != "" {
						cur.shortNames = strings.Split(v, ",")
					}
				}
			}
		case strings.HasPrefix(line, "printer: "):
			cur.printer = strings.Split(strings.TrimPrefix(line, "printer: "), "; ")
		case strings.TrimSpace(line) == "":
		default:
			fields := strings.Split(line, "  ")
			n := node{typ: fields[1], attrs: map[string]string{}}
			for _, a := range fields[2:] {
				k, v, _ := strings.Cut(a, "=")
				n.attrs[k] = v
			}
			cur.paths[fields[0]] = n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return kinds
}

func loadCRDs(t *testing.T) map[string]*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in config/crd/bases (run 'make manifests'): %v", err)
	}
	out := map[string]*apiextensionsv1.CustomResourceDefinition{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[crd.Spec.Names.Kind] = crd
	}
	return out
}

// flatten lists every schema path under spec and status in the inventory's
// notation: ".name" for properties, "[]" for items, "{*}" for map values.
func flatten(prefix string, s apiextensionsv1.JSONSchemaProps, out map[string]apiextensionsv1.JSONSchemaProps) {
	out[prefix] = s
	for name, p := range s.Properties {
		flatten(prefix+"."+name, p, out)
	}
	if s.Items != nil && s.Items.Schema != nil {
		flatten(prefix+"[]", *s.Items.Schema, out)
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		flatten(prefix+"{*}", *s.AdditionalProperties.Schema, out)
	}
}

func storageSchema(crd *apiextensionsv1.CustomResourceDefinition) (string, map[string]apiextensionsv1.JSONSchemaProps) {
	for _, v := range crd.Spec.Versions {
		if !v.Storage {
			continue
		}
		out := map[string]apiextensionsv1.JSONSchemaProps{}
		root := v.Schema.OpenAPIV3Schema
		for _, top := range []string{"spec", "status"} {
			if p, ok := root.Properties[top]; ok {
				flatten(top, p, out)
			}
		}
		return v.Name, out
	}
	return "", nil
}

// openAncestor reports whether an ancestor of path is an open object (unknown
// fields kept, no properties declared), which accepts anything below it.
func openAncestor(path string, ours map[string]apiextensionsv1.JSONSchemaProps) bool {
	for p := parent(path); p != ""; p = parent(p) {
		if s, ok := ours[p]; ok && s.XPreserveUnknownFields != nil && *s.XPreserveUnknownFields && len(s.Properties) == 0 && s.Items == nil && s.AdditionalProperties == nil {
			return true
		}
	}
	return false
}

// lookup finds path in our schema; a named child of a map node (upstream's typed
// resources.limits.cpu against our map of quantities) resolves to the map's values.
func lookup(path string, ours map[string]apiextensionsv1.JSONSchemaProps) (apiextensionsv1.JSONSchemaProps, bool) {
	if s, ok := ours[path]; ok {
		return s, true
	}
	if i := strings.LastIndex(path, "."); i > 0 {
		if s, ok := ours[path[:i]+"{*}"]; ok {
			return s, true
		}
	}
	return apiextensionsv1.JSONSchemaProps{}, false
}

func parent(path string) string {
	switch {
	case strings.HasSuffix(path, "[]"):
		return strings.TrimSuffix(path, "[]")
	case strings.HasSuffix(path, "{*}"):
		return strings.TrimSuffix(path, "{*}")
	}
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[:i]
	}
	return ""
}

// compare returns what makes our schema node refuse or change a value the
// original's node accepts.
func compare(up node, ours apiextensionsv1.JSONSchemaProps) []string {
	var diffs []string
	if up.typ != "-" && ours.Type != "" && ours.Type != up.typ {
		diffs = append(diffs, fmt.Sprintf("type %s, upstream %s", ours.Type, up.typ))
	}
	if enum, ok := up.attrs["enum"]; ok && len(ours.Enum) > 0 {
		have := map[string]bool{}
		for _, e := range ours.Enum {
			have[strings.Trim(string(e.Raw), `"`)] = true
		}
		for _, v := range strings.Split(enum, "|") {
			if !have[v] {
				diffs = append(diffs, fmt.Sprintf("enum lacks %q", v))
			}
		}
	}
	return diffs
}

// stricter lists defaults we lack and bounds by which ours refuse more than the
// original's. They are logged, not failed: the project's rule is to be stricter
// where the original would fail at run time anyway (an empty name, say), and a
// default the operator applies in code behaves the same.
func stricter(up node, ours apiextensionsv1.JSONSchemaProps) []string {
	var diffs []string
	if d, ok := up.attrs["default"]; ok {
		if ours.Default == nil {
			diffs = append(diffs, fmt.Sprintf("no default, upstream %s", d))
		} else if !sameDefault(d, string(ours.Default.Raw)) {
			diffs = append(diffs, fmt.Sprintf("default %s, upstream %s", ours.Default.Raw, d))
		}
	}
	diffs = append(diffs, stricterBounds(up, ours)...)
	return diffs
}

// sameDefault compares the inventory's Python-style literal with our JSON default.
func sameDefault(up, ours string) bool {
	norm := func(s string) string {
		s = strings.NewReplacer("'", `"`, "True", "true", "False", "false", " ", "").Replace(s)
		return s
	}
	if norm(up) == norm(ours) {
		return true
	}
	a, errA := strconv.ParseFloat(up, 64)
	b, errB := strconv.ParseFloat(ours, 64)
	return errA == nil && errB == nil && a == b
}

func stricterBounds(up node, ours apiextensionsv1.JSONSchemaProps) []string {
	var diffs []string
	lower := func(name string, have *float64) {
		if have == nil {
			return
		}
		v, ok := up.attrs[name]
		if f, err := strconv.ParseFloat(v, 64); !ok || (err == nil && *have > f) {
			diffs = append(diffs, fmt.Sprintf("%s %v, upstream %q", name, *have, v))
		}
	}
	upper := func(name string, have *float64) {
		if have == nil {
			return
		}
		v, ok := up.attrs[name]
		if f, err := strconv.ParseFloat(v, 64); ok && err == nil && *have < f {
			diffs = append(diffs, fmt.Sprintf("%s %v, upstream %q", name, *have, v))
		}
	}
	i2f := func(p *int64) *float64 {
		if p == nil {
			return nil
		}
		f := float64(*p)
		return &f
	}
	lower("minimum", ours.Minimum)
	upper("maximum", ours.Maximum)
	lower("minLength", i2f(ours.MinLength))
	upper("maxLength", i2f(ours.MaxLength))
	lower("minItems", i2f(ours.MinItems))
	upper("maxItems", i2f(ours.MaxItems))
	if ours.Pattern != "" && up.attrs["pattern"] == "" {
		diffs = append(diffs, fmt.Sprintf("pattern %q, upstream none", ours.Pattern))
	}
	return diffs
}

// TestInventoryParity fails on every kind, path, type, enum value, default, short
// name or printer column of the original's API that our CRDs lack, and on every
// bound or required field by which ours refuse what the original accepts.
func TestInventoryParity(t *testing.T) {
	inv := parseInventory(t)
	crds := loadCRDs(t)
	if len(inv) != 14 {
		t.Fatalf("inventory lists %d kinds, want 14", len(inv))
	}
	kinds := make([]string, 0, len(inv))
	for k := range inv {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			up := inv[kind]
			crd, ok := crds[kind]
			if !ok {
				if pending(kind, "") {
					t.Skipf("%s is known-pending (another issue adds it)", kind)
				}
				t.Fatalf("kind %s has no CRD in config/crd/bases", kind)
			}
			checkNames(t, up, crd)
			version, ours := storageSchema(crd)
			if want := storageOf(up); version != want {
				t.Errorf("storage version %s, upstream %s", version, want)
			}
			paths := make([]string, 0, len(up.paths))
			for p := range up.paths {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			for _, p := range paths {
				if pending(kind, p) {
					continue
				}
				s, ok := lookup(p, ours)
				if !ok {
					if !openAncestor(p, ours) {
						t.Errorf("%s: missing (upstream %s)", p, up.paths[p].typ)
					}
					continue
				}
				for _, d := range compare(up.paths[p], s) {
					t.Errorf("%s: %s", p, d)
				}
				for _, d := range stricter(up.paths[p], s) {
					t.Logf("stricter than upstream: %s: %s", p, d)
				}
				checkRequired(t, p, up, s)
			}
		})
	}
}

// checkRequired logs every child of path that we require and a child of path that the original does not.
func checkRequired(t *testing.T, path string, up *kindInventory, ours apiextensionsv1.JSONSchemaProps) {
	t.Helper()
	for _, r := range ours.Required {
		child, ok := up.paths[path+"."+r]
		if ok && !hasAttr(child, "REQUIRED") {
			t.Logf("stricter than upstream: %s.%s: required here, optional upstream", path, r)
		}
	}
}

func hasAttr(n node, a string) bool { _, ok := n.attrs[a]; return ok }

func storageOf(up *kindInventory) string {
	for _, v := range up.versions {
		if name, _, ok := strings.Cut(v, "*"); ok {
			return name
		}
	}
	return ""
}

func checkNames(t *testing.T, up *kindInventory, crd *apiextensionsv1.CustomResourceDefinition) {
	t.Helper()
	have := map[string]bool{}
	for _, s := range crd.Spec.Names.ShortNames {
		have[s] = true
	}
	for _, s := range up.shortNames {
		if !have[s] {
			t.Errorf("short name %q missing (have %v)", s, crd.Spec.Names.ShortNames)
		}
	}
	served := map[string]bool{}
	for _, v := range crd.Spec.Versions {
		if v.Served {
			served[v.Name] = true
		}
		cols := map[string]bool{}
		for _, c := range v.AdditionalPrinterColumns {
			cols[c.Name+"="+strings.ReplaceAll(c.JSONPath, `"`, "'")] = true
		}
		for _, c := range up.printer {
			if !cols[c] {
				t.Errorf("%s: printer column %q missing", v.Name, c)
			}
		}
	}
	for _, v := range up.versions {
		name := strings.SplitN(v, "*", 2)[0]
		name = strings.SplitN(name, "(", 2)[0]
		if !served[name] {
			t.Errorf("version %s not served", name)
		}
	}
}

// TestPendingListIsMinimal fails when an allow-list entry is no longer needed,
// so the list only shrinks.
func TestPendingListIsMinimal(t *testing.T) {
	crds := loadCRDs(t)
	for _, p := range knownPending {
		kind, path, hasPath := strings.Cut(p, " ")
		crd, ok := crds[kind]
		if !ok {
			continue
		}
		if !hasPath {
			t.Errorf("knownPending lists %s, which now has a CRD: remove the entry", kind)
			continue
		}
		_, ours := storageSchema(crd)
		if _, ok := ours[path]; ok {
			t.Errorf("knownPending lists %q, which now exists: remove the entry", p)
		}
	}
}

// TestFlatten pins the path notation against a small schema.
func TestFlatten(t *testing.T) {
	s := apiextensionsv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
		"a": {Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{Type: "string"}}},
		"m": {Type: "object", AdditionalProperties: &apiextensionsv1.JSONSchemaPropsOrBool{Schema: &apiextensionsv1.JSONSchemaProps{Type: "integer"}}},
	}}
	out := map[string]apiextensionsv1.JSONSchemaProps{}
	flatten("spec", s, out)
	got := make([]string, 0, len(out))
	for p := range out {
		got = append(got, p)
	}
	sort.Strings(got)
	want := []string{"spec", "spec.a", "spec.a[]", "spec.m", "spec.m{*}"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("flatten = %v, want %v", got, want)
	}
}
