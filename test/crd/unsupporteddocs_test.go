package crd

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// unsupporter is a spec that lists its set fields that do not take effect.
type unsupporter interface{ UnsupportedFields() []string }

// fill sets every field reachable from v to a non-zero value: strings "x", numbers 1,
// booleans true, one element per list and map, a JSON object for raw fields.
func fill(v reflect.Value, depth int) {
	if depth > 12 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // raw JSON of RawExtension / JSON
			v.SetBytes([]byte(`{}`))
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	}
}

// unsupportedVariants are the settings under which a field is reported only in
// combination (proxyReadTimeout for a stdio server, redis session storage,
// a CA bundle reference without a ConfigMap name); each runs on a filled spec.
var unsupportedVariants = map[string][]func(spec any){
	"MCPServer": {
		func(s any) { s.(*v1alpha1.MCPServerSpec).Transport = v1alpha1.TransportStdio },
		func(s any) { s.(*v1alpha1.MCPServerSpec).SessionStorage.Provider = config.SessionStorageRedis },
	},
	"MCPRemoteProxy": {
		func(s any) { s.(*v1alpha1.MCPRemoteProxySpec).SessionStorage.Provider = config.SessionStorageRedis },
	},
	"MCPTelemetryConfig": {
		func(s any) { s.(*v1alpha1.MCPTelemetryConfigSpec).OpenTelemetry.CABundleRef.ConfigMapRef.Name = "" },
	},
}

// reportedPaths fills the spec of obj in every variant and returns the schema paths
// (".spec.a.b", "[]" for list items, "{}" for map values) it reports as Unsupported;
// ok is false when the kind reports nothing.
func reportedPaths(kind string, obj runtime.Object) (paths map[string]bool, ok bool) {
	variants := append([]func(any){func(any) {}}, unsupportedVariants[kind]...)
	paths = map[string]bool{}
	for _, variant := range variants {
		spec := reflect.New(reflect.ValueOf(obj).Elem().FieldByName("Spec").Type())
		u, isU := spec.Interface().(unsupporter)
		if !isU {
			return nil, false
		}
		fill(spec.Elem(), 0)
		variant(spec.Interface())
		for _, p := range u.UnsupportedFields() {
			paths[schemaPath(p)] = true
		}
	}
	return paths, true
}

var (
	reportedQualifier = regexp.MustCompile(` \(.*\)$`)   // "spec.sessionStorage (provider redis)"
	reportedIndex     = regexp.MustCompile(`\[[^\]]*\]`) // "backends[x]"
)

// schemaPath turns a reported field path into the path of its schema node. The fill
// gives every map one key, "x", so ".backends.x." is a map value.
func schemaPath(p string) string {
	p = reportedQualifier.ReplaceAllString(p, "")
	p = reportedIndex.ReplaceAllString(p, "[]")
	p = strings.ReplaceAll(p, ".x.", "{}.")
	return "." + p
}

// schemaAt returns the schema node at path (as schemaPath writes it) under root.
func schemaAt(root *apiextensionsv1.JSONSchemaProps, path string) (*apiextensionsv1.JSONSchemaProps, error) {
	s := root
	for _, part := range strings.Split(strings.TrimPrefix(path, "."), ".") {
		name := strings.TrimRight(part, "[]{}")
		p, ok := s.Properties[name]
		if !ok {
			return nil, fmt.Errorf("no field %q", name)
		}
		s = &p
		for rest := part[len(name):]; rest != ""; rest = rest[2:] {
			switch {
			case strings.HasPrefix(rest, "[]") && s.Items != nil && s.Items.Schema != nil:
				s = s.Items.Schema
			case strings.HasPrefix(rest, "{}") && s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil:
				s = s.AdditionalProperties.Schema
			default:
				return nil, fmt.Errorf("%q is not a list or map", name)
			}
		}
	}
	return s, nil
}

// Every field that is accepted but reported with the Unsupported condition says so in
// `kubectl explain`, so a user learns before applying that it will not take effect. The
// reported fields come from the kinds' own UnsupportedFields on a spec with every field
// set, so a field added to those lists is checked without touching this test.
func TestUnsupportedFieldsSaySo(t *testing.T) {
	checked := 0
	for _, g := range loadGeneratedCRDs(t) {
		crd, obj := g.crd, g.obj
		kind := crd.Spec.Names.Kind
		paths, ok := reportedPaths(kind, obj)
		if !ok {
			continue
		}
		if len(paths) == 0 {
			t.Errorf("%s: a spec with every field set reports no Unsupported field; the fill no longer reaches them", kind)
		}
		sorted := make([]string, 0, len(paths))
		for p := range paths {
			sorted = append(sorted, p)
		}
		sort.Strings(sorted)
		for _, v := range crd.Spec.Versions {
			for _, p := range sorted {
				s, err := schemaAt(v.Schema.OpenAPIV3Schema, p)
				if err != nil {
					t.Errorf("%s.%s%s is reported Unsupported but not in the schema: %v", kind, v.Name, p, err)
					continue
				}
				checked++
				if !strings.Contains(s.Description, "Unsupported") {
					t.Errorf("%s.%s%s is reported with the Unsupported condition; its description does not say so: %q", kind, v.Name, p, s.Description)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no Unsupported field checked")
	}
}

// unsupportedMentionOK are spec fields whose docs mention the Unsupported condition
// without being reported themselves, and why.
var unsupportedMentionOK = map[string]string{
	"MCPExternalAuthConfig.spec.type": "names the type values whose sub-objects are reported",
	// The legacy top-level form is moved into spec.config.operational and reported there.
	"VirtualMCPServer.spec.operational.listChanged":          "reported as spec.config.operational.listChanged",
	"VirtualMCPServer.spec.operational.logLevel":             "reported as spec.config.operational.logLevel",
	"VirtualMCPServer.spec.operational.timeouts.backendInit": "reported as spec.config.operational.timeouts.backendInit",
	// One step type for inline composite tools (reported on the VirtualMCPServer) and for
	// this kind, whose controller does not report them yet.
	"VirtualMCPCompositeToolDefinition.spec.steps[].step":          "reported for inline compositeTools only",
	"VirtualMCPCompositeToolDefinition.spec.steps[].itemVar":       "reported for inline compositeTools only",
	"VirtualMCPCompositeToolDefinition.spec.steps[].maxIterations": "reported for inline compositeTools only",
	"VirtualMCPCompositeToolDefinition.spec.steps[].maxParallel":   "reported for inline compositeTools only",
}

// A description that says its field is reported as Unsupported is stale once the field
// takes effect (and is removed from UnsupportedFields): it must sit at or under a
// reported field, or be listed in unsupportedMentionOK with the reason.
func TestUnsupportedDocsAreCurrent(t *testing.T) {
	for _, g := range loadGeneratedCRDs(t) {
		crd, obj := g.crd, g.obj
		kind := crd.Spec.Names.Kind
		reported, _ := reportedPaths(kind, obj)
		spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
		for _, p := range staleUnsupportedDocs(".spec", &spec, reported, false) {
			if _, ok := unsupportedMentionOK[kind+p]; !ok {
				t.Errorf("%s%s: its description says Unsupported but the field is not reported (it takes effect now?): update the doc", kind, p)
			}
		}
	}
}

// staleUnsupportedDocs lists the paths under path whose description mentions Unsupported
// while neither they nor a parent are in reported.
func staleUnsupportedDocs(path string, s *apiextensionsv1.JSONSchemaProps, reported map[string]bool, under bool) []string {
	if s == nil {
		return nil
	}
	var out []string
	for name, p := range s.Properties {
		fp := path + "." + name
		u := under || reported[fp]
		if !u && strings.Contains(p.Description, "Unsupported") {
			out = append(out, fp)
		}
		out = append(out, staleUnsupportedDocs(fp, &p, reported, u)...)
	}
	if s.Items != nil {
		out = append(out, staleUnsupportedDocs(path+"[]", s.Items.Schema, reported, under)...)
	}
	if s.AdditionalProperties != nil {
		out = append(out, staleUnsupportedDocs(path+"{}", s.AdditionalProperties.Schema, reported, under)...)
	}
	sort.Strings(out)
	return out
}

func TestSchemaPath(t *testing.T) {
	tests := map[string]string{
		"spec.sessionStorage (provider redis)":                         ".spec.sessionStorage",
		"spec.config.backends[api].caBundlePath":                       ".spec.config.backends[].caBundlePath",
		"spec.config.outgoingAuth.backends.x.awsSts":                   ".spec.config.outgoingAuth.backends{}.awsSts",
		"spec.config.compositeTools[x].steps[y].step":                  ".spec.config.compositeTools[].steps[].step",
		"spec.endpointPrefix (transport streamable-http)":              ".spec.endpointPrefix",
		"spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider": ".spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider",
	}
	for in, want := range tests {
		if got := schemaPath(in); got != want {
			t.Errorf("schemaPath(%q) = %q, want %q", in, got, want)
		}
	}
}
